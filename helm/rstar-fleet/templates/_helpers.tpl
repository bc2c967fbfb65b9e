{{/* Chart name, truncated to the 63 characters a label value may hold. */}}
{{- define "rstar-fleet.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name; component objects append "-<component>", so keep room for it. */}}
{{- define "rstar-fleet.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Name of one component's objects: (dict "root" $ "component" "worker"). */}}
{{- define "rstar-fleet.componentName" -}}
{{- printf "%s-%s" (include "rstar-fleet.fullname" .root) .component }}
{{- end }}

{{- define "rstar-fleet.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/part-of: rstar-fleet
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
{{- end }}

{{/* Selector labels of one component: (dict "root" $ "component" "worker"). */}}
{{- define "rstar-fleet.selectorLabels" -}}
app.kubernetes.io/name: {{ include "rstar-fleet.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* All labels of one component's objects. */}}
{{- define "rstar-fleet.componentLabels" -}}
{{ include "rstar-fleet.labels" .root }}
{{ include "rstar-fleet.selectorLabels" . }}
{{- end }}

{{/* Image reference of a component: (dict "root" $ "values" .Values.worker). */}}
{{- define "rstar-fleet.image" -}}
{{- $g := .root.Values.global.image -}}
{{- $tag := .values.image.tag | default $g.tag | default .root.Chart.AppVersion -}}
{{- if $g.registry -}}
{{- printf "%s/%s:%s" (trimSuffix "/" $g.registry) .values.image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .values.image.repository $tag -}}
{{- end -}}
{{- end }}

{{- define "rstar-fleet.pullPolicy" -}}
{{- .values.image.pullPolicy | default .root.Values.global.image.pullPolicy -}}
{{- end }}

{{/* ServiceAccount name of a component: (dict "root" $ "component" "worker" "values" ...). */}}
{{- define "rstar-fleet.serviceAccountName" -}}
{{- if .values.serviceAccount.create -}}
{{- default (include "rstar-fleet.componentName" .) .values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .values.serviceAccount.name -}}
{{- end -}}
{{- end }}

{{/* The Redis URL the services use: the in-cluster one when redis.enabled. */}}
{{- define "rstar-fleet.redisUrl" -}}
{{- if .Values.redis.enabled -}}
{{- printf "redis://%s.%s.svc:6379" (include "rstar-fleet.componentName" (dict "root" . "component" "redis")) .Release.Namespace -}}
{{- else -}}
{{- required "global.redis.url is required (or set redis.enabled=true)" .Values.global.redis.url -}}
{{- end -}}
{{- end }}

{{/* The sandbox address in the plan: the headless Service (clients resolve every pod). */}}
{{- define "rstar-fleet.sandboxAddress" -}}
{{- printf "%s.%s.svc:%v" (include "rstar-fleet.componentName" (dict "root" . "component" "sandbox")) .Release.Namespace .Values.sandbox.service.port -}}
{{- end }}

{{/* Path of the train Job template inside the orchestrator. */}}
{{- define "rstar-fleet.trainJobPath" -}}
/etc/rstar/hooks/train-job.yaml
{{- end }}

{{/*
The run plan: .Values.plan with `redis` and `sandbox` written by the chart, and the train hook
pointed at the chart's Job template when trainJob.enabled and the plan names no train hook.
*/}}
{{- define "rstar-fleet.plan" -}}
{{- if hasKey .Values.plan "redis" }}
{{- fail "plan.redis is written by the chart: set global.redis.url/passwordEnv/prefix instead" }}
{{- end }}
{{- if and .Values.sandbox.enabled (hasKey .Values.plan "sandbox") }}
{{- fail "plan.sandbox is written by the chart while sandbox.enabled: remove it (or disable the chart's sandbox)" }}
{{- end }}
{{- $plan := deepCopy .Values.plan }}
{{- $redis := dict "url" (include "rstar-fleet.redisUrl" .) "prefix" .Values.global.redis.prefix }}
{{- if .Values.global.redis.existingSecret }}
{{- $_ := set $redis "passwordEnv" .Values.global.redis.passwordEnv }}
{{- end }}
{{- $_ := set $plan "redis" $redis }}
{{- if .Values.sandbox.enabled }}
{{- $_ := set $plan "sandbox" (dict "addresses" (list (include "rstar-fleet.sandboxAddress" .))) }}
{{- end }}
{{- if .Values.trainJob.enabled }}
{{- $defaults := get $plan "defaults" | default dict }}
{{- $hooks := get $defaults "hooks" | default dict }}
{{- if not (hasKey $hooks "train") }}
{{- $_ := set $hooks "train" (dict "kubernetesJob" (dict "template" (include "rstar-fleet.trainJobPath" .) "namespace" .Release.Namespace) "timeoutSeconds" (int .Values.trainJob.activeDeadlineSeconds)) }}
{{- end }}
{{- $_ := set $defaults "hooks" $hooks }}
{{- $_ := set $plan "defaults" $defaults }}
{{- end }}
{{- toYaml $plan }}
{{- end }}

{{/* Environment every service container gets: the Redis password, then global.env. */}}
{{- define "rstar-fleet.commonEnv" -}}
{{- if .Values.global.redis.existingSecret }}
- name: {{ .Values.global.redis.passwordEnv }}
  valueFrom:
    secretKeyRef:
      name: {{ .Values.global.redis.existingSecret }}
      key: {{ .Values.global.redis.secretKey }}
{{- end }}
{{- with .Values.global.env }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Pod-level settings shared by the Deployments: (dict "root" $ "component" c "values" v). */}}
{{- define "rstar-fleet.podCommon" -}}
{{- with .root.Values.global.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.podSecurityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
terminationGracePeriodSeconds: {{ .values.terminationGracePeriodSeconds }}
{{- end }}

{{/* An HTTP probe: (dict "probe" .values.probes.liveness "port" "http"). */}}
{{- define "rstar-fleet.httpProbe" -}}
httpGet:
  path: {{ .probe.path }}
  port: {{ .port }}
periodSeconds: {{ .probe.periodSeconds }}
timeoutSeconds: {{ .probe.timeoutSeconds }}
failureThreshold: {{ .probe.failureThreshold }}
{{- end }}

{{/* Pod annotations: Prometheus scrape hints (for a Prometheus without the Operator) + values. */}}
{{- define "rstar-fleet.podAnnotations" -}}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .port | quote }}
prometheus.io/path: /metrics
{{- with .values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end }}

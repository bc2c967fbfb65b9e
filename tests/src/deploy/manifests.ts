/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access --
   Rendered manifests are untyped YAML; these tests walk them the way kubectl output is read. */
import { parseAllDocuments } from 'yaml';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { helm } from './helm-binary';

export const CHART = 'helm/rstar-fleet';
export const CLUSTER_VALUES = `${CHART}/ci/cluster-values.yaml`;
/** The APIs a cluster with KEDA and the Prometheus Operator serves. */
export const CLUSTER_APIS = ['keda.sh/v1alpha1', 'monitoring.coreos.com/v1'];
export const KUBE_VERSION = '1.30.0';
export const NAMESPACE = 'rstar';
export const RELEASE = 'fleet';

/** One rendered object, loosely typed: the tests read fields the way kubectl would. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; [k: string]: unknown };
  spec?: any;
  data?: Record<string, string>;
  [k: string]: any;
}

export interface RenderOptions {
  valuesFiles?: string[];
  apiVersions?: string[];
  set?: string[];
  /** `--set-json` (`{prefix}` given to --set or --set-string would be read as a list). */
  setJson?: string[];
}

/** `helm template` of the chart; throws with helm's stderr when rendering fails. */
export async function render(options: RenderOptions = {}): Promise<Manifest[]> {
  const result = await helmTemplate(options);
  if (result.code !== 0) throw new Error(`helm template failed:\n${result.stderr}`);
  return parseAllDocuments(result.stdout)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`rendered YAML: ${doc.errors[0]?.message}`);
      return doc.toJS() as Manifest | null;
    })
    .filter((m): m is Manifest => m !== null);
}

export function helmTemplate(options: RenderOptions = {}) {
  return helm([
    'template',
    RELEASE,
    CHART,
    '--namespace',
    NAMESPACE,
    '--kube-version',
    KUBE_VERSION,
    ...(options.valuesFiles ?? []).flatMap((f) => ['--values', f]),
    ...(options.apiVersions ?? []).flatMap((a) => ['--api-versions', a]),
    ...(options.set ?? []).flatMap((s) => ['--set', s]),
    ...(options.setJson ?? []).flatMap((s) => ['--set-json', s]),
  ]);
}

export function byKind(manifests: Manifest[], kind: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind);
}

/** The one object of `kind` whose name ends with `suffix`. */
export function find(manifests: Manifest[], kind: string, suffix: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind && m.metadata.name.endsWith(suffix));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind} named *${suffix}, found ${found.length}`);
  }
  return found[0] as Manifest;
}

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: any) => Validatable;

/**
 * Kubernetes schemas (the API's OpenAPI, as compiled validators in `kubernetes-models`, plus the
 * KEDA and Prometheus Operator CRD schemas from their `@kubernetes-models/*` packages), by
 * `apiVersion/kind`. Every kind the chart can render must be here: an unknown one fails.
 */
const MODELS: Record<string, ModelClass> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'batch/v1/Job': Job,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'keda.sh/v1alpha1/TriggerAuthentication': TriggerAuthentication,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PodMonitor': PodMonitor,
};

/** Schema errors of one object ([] when valid), each prefixed with kind/name. */
export function schemaErrors(manifest: Manifest): string[] {
  const where = `${manifest.kind}/${manifest.metadata?.name ?? '?'}`;
  const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
  if (Model === undefined)
    return [`${where}: no schema for ${manifest.apiVersion} ${manifest.kind}`];
  try {
    new Model(manifest).validate();
    return [];
  } catch (err) {
    return [`${where}: ${(err as Error).message}`];
  }
}

/** Every pod template of the rendered workloads, with the workload's name. */
export function podTemplates(manifests: Manifest[]): { owner: string; spec: any; labels: any }[] {
  return manifests
    .filter((m) => m.kind === 'Deployment' || m.kind === 'StatefulSet')
    .map((m) => ({
      owner: `${m.kind}/${m.metadata.name}`,
      spec: m.spec.template.spec,
      labels: m.spec.template.metadata.labels,
    }));
}

/** Does a label selector (matchLabels only, as the chart writes them) select these labels? */
export function selects(matchLabels: Record<string, string>, labels: Record<string, string>) {
  return Object.entries(matchLabels).every(([k, v]) => labels[k] === v);
}

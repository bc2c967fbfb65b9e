#!/usr/bin/env bash
# The deploy hook of examples/vllm-cluster.yaml: roll the vLLM policy and PPM StatefulSets onto
# the checkpoints the train hook (infra/k8s/train-job.yaml) wrote for this round, wait until
# every replica serves the new model, and print the hook result line. Run --help for details.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: vllm-rollout.sh [options] RUN ROUND [OUT]

Rolls the vLLM StatefulSets onto round ROUND's checkpoints and prints, as the last stdout line,
  {"policy":{"model":"rstar-policy-r<ROUND>"},"ppm":{"model":"rstar-ppm-r<ROUND>"}}
(the deploy hook result the orchestrator reads). Everything else goes to stderr.

For each StatefulSet it sets two environment variables on its first container, which starts a
rolling update (and changes nothing when they already hold these values, so a re-run is safe):
  RSTAR_MODEL_PATH         <models-dir>/<RUN>/round-<ROUND>/{policy|ppm}
  RSTAR_SERVED_MODEL_NAME  rstar-policy-r<ROUND> | rstar-ppm-r<ROUND>
The StatefulSets must start vLLM from them, e.g.
  args: [serve, $(RSTAR_MODEL_PATH), --served-model-name, $(RSTAR_SERVED_MODEL_NAME)]
(plus --runner pooling for the PPM), and mount the models volume the trainer writes to.
It then waits for `kubectl rollout status` and until GET /v1/models on every replica
(<sts>-<i>.<serviceName>.<namespace>.svc:<port>) lists the new name.

OUT (the round's hook output directory) is accepted for the plan's argv and not used.

Options (environment variable in brackets):
  -n, --namespace NS      namespace of the StatefulSets [RSTAR_NAMESPACE] (default rstar)
  --policy-sts NAME       policy StatefulSet (default vllm-policy)
  --ppm-sts NAME          PPM StatefulSet (default vllm-ppm; "" = no PPM to roll)
  --models-dir DIR        models volume path inside the vLLM pods (default /models)
  --policy-model NAME     served name of the new policy (default rstar-policy-r<ROUND>)
  --ppm-model NAME        served name of the new PPM (default rstar-ppm-r<ROUND>)
  --port P                vLLM HTTP port (default 8000)
  --policy-url URL        check this URL's /v1/models instead of each policy replica
                          (repeatable; e.g. a port-forward when run outside the cluster)
  --ppm-url URL           the same for the PPM
  --timeout SECONDS       give up after this long in all (default 3000, under the plan's
                          deploy timeoutSeconds of 3600)
  -h, --help              this text

Needs kubectl (with rights to patch and watch the StatefulSets) and curl.
Exit codes: 0 served, 64 usage, 69 kubectl/curl missing, 75 timed out, other = kubectl's.
EOF
}

die() {
  local code=$1
  shift
  printf 'vllm-rollout: %s\n' "$*" >&2
  exit "$code"
}
log() { printf 'vllm-rollout: %s\n' "$*" >&2; }

namespace=${RSTAR_NAMESPACE:-rstar}
policy_sts=vllm-policy
ppm_sts=vllm-ppm
models_dir=/models
policy_model=
ppm_model=
port=8000
timeout_s=3000
policy_urls=()
ppm_urls=()
positional=()

need_value() { [[ $# -ge 2 ]] || die 64 "$1 needs a value (run with --help)"; }

while [[ $# -gt 0 ]]; do
  case $1 in
    -h | --help)
      usage
      exit 0
      ;;
    -n | --namespace) need_value "$@"; namespace=$2; shift 2 ;;
    --policy-sts) need_value "$@"; policy_sts=$2; shift 2 ;;
    --ppm-sts) need_value "$@"; ppm_sts=$2; shift 2 ;;
    --models-dir) need_value "$@"; models_dir=$2; shift 2 ;;
    --policy-model) need_value "$@"; policy_model=$2; shift 2 ;;
    --ppm-model) need_value "$@"; ppm_model=$2; shift 2 ;;
    --port) need_value "$@"; port=$2; shift 2 ;;
    --policy-url) need_value "$@"; policy_urls+=("$2"); shift 2 ;;
    --ppm-url) need_value "$@"; ppm_urls+=("$2"); shift 2 ;;
    --timeout) need_value "$@"; timeout_s=$2; shift 2 ;;
    --) shift; positional+=("$@"); break ;;
    -*) die 64 "unknown option $1 (run with --help)" ;;
    *) positional+=("$1"); shift ;;
  esac
done

[[ ${#positional[@]} -ge 2 && ${#positional[@]} -le 3 ]] ||
  die 64 "expected RUN ROUND [OUT] (run with --help)"
run=${positional[0]}
round=${positional[1]}
[[ $run =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || die 64 "RUN must be a run id, got '$run'"
[[ $round =~ ^[1-9][0-9]*$ ]] || die 64 "ROUND must be a positive integer, got '$round'"
[[ $timeout_s =~ ^[1-9][0-9]*$ ]] || die 64 "--timeout must be a positive integer"
[[ $port =~ ^[1-9][0-9]*$ ]] || die 64 "--port must be a port number"
policy_model=${policy_model:-rstar-policy-r$round}
ppm_model=${ppm_model:-rstar-ppm-r$round}
# The names go into JSON and a grep of /v1/models verbatim: keep them plain.
for name in "$policy_model" "$ppm_model"; do
  [[ $name =~ ^[A-Za-z0-9._:/-]+$ ]] || die 64 "model name '$name' has characters JSON would need to escape"
done

command -v kubectl >/dev/null || die 69 "kubectl is not on PATH"
command -v curl >/dev/null || die 69 "curl is not on PATH"

deadline=$((SECONDS + timeout_s))
remaining() {
  local left=$((deadline - SECONDS))
  ((left > 0)) || die 75 "timed out after ${timeout_s}s"
  printf '%s' "$left"
}

kc() { kubectl --namespace "$namespace" --request-timeout=30s "$@"; }

# Points one StatefulSet at a checkpoint; a no-op when it already serves it.
point_at() {
  local sts=$1 path=$2 name=$3
  log "statefulset/$sts -> $name ($path)"
  kc set env "statefulset/$sts" "RSTAR_MODEL_PATH=$path" "RSTAR_SERVED_MODEL_NAME=$name" >&2
}

# Every replica's /v1/models URL: the headless service's per-pod DNS names.
replica_urls() {
  local sts=$1 replicas service
  replicas=$(kc get "statefulset/$sts" -o 'jsonpath={.spec.replicas}')
  service=$(kc get "statefulset/$sts" -o 'jsonpath={.spec.serviceName}')
  [[ $replicas =~ ^[1-9][0-9]*$ ]] || die 1 "statefulset/$sts: no replicas to wait for"
  for ((i = 0; i < replicas; i++)); do
    printf 'http://%s-%d.%s.%s.svc:%s\n' "$sts" "$i" "$service" "$namespace" "$port"
  done
}

# Waits until GET <url>/v1/models lists `name` (the server answers, with the new model).
wait_serving() {
  local url=$1 name=$2 body
  log "waiting for $url to serve $name"
  while :; do
    body=$(curl --silent --fail --max-time 5 "$url/v1/models" 2>/dev/null || true)
    if [[ $body == *"\"id\":\"$name\""* || $body == *"\"id\": \"$name\""* ]]; then
      return 0
    fi
    remaining >/dev/null
    sleep 5
  done
}

rollout() {
  local sts=$1 left
  left=$(remaining) # an assignment, so a timeout here ends the script (set -e)
  log "statefulset/$sts: waiting for the rollout"
  kc rollout status "statefulset/$sts" --timeout="${left}s" >&2 ||
    die 75 "statefulset/$sts did not finish its rollout"
}

base="$models_dir/$run/round-$round"
# Both roll at once; then wait for each.
point_at "$policy_sts" "$base/policy" "$policy_model"
[[ -z $ppm_sts ]] || point_at "$ppm_sts" "$base/ppm" "$ppm_model"
rollout "$policy_sts"
[[ -z $ppm_sts ]] || rollout "$ppm_sts"

# Assignments, not process substitution: a kubectl failure must end the script.
if [[ ${#policy_urls[@]} -eq 0 ]]; then
  urls=$(replica_urls "$policy_sts")
  mapfile -t policy_urls <<<"$urls"
fi
for url in "${policy_urls[@]}"; do wait_serving "$url" "$policy_model"; done
if [[ -n $ppm_sts ]]; then
  if [[ ${#ppm_urls[@]} -eq 0 ]]; then
    urls=$(replica_urls "$ppm_sts")
    mapfile -t ppm_urls <<<"$urls"
  fi
  for url in "${ppm_urls[@]}"; do wait_serving "$url" "$ppm_model"; done
fi

log "serving $policy_model${ppm_sts:+ and $ppm_model}"
if [[ -n $ppm_sts ]]; then
  printf '{"policy":{"model":"%s"},"ppm":{"model":"%s"}}\n' "$policy_model" "$ppm_model"
else
  printf '{"policy":{"model":"%s"}}\n' "$policy_model"
fi

#!/usr/bin/env bash
# The vLLM servers of examples/local-gpu.yaml (policy and PPM on one GPU box) and the hooks that
# share that GPU with the trainer: `free` stops the servers and runs the train hook's command
# (`rstar-train round ...`) in their place; `serve` starts them on the round's new checkpoints
# and prints the deploy hook's result line. Run --help for details.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: local-gpu-vllm.sh COMMAND [ARGS]

  start POLICY_PATH POLICY_NAME [PPM_PATH PPM_NAME]
        (Re)start the servers on these checkpoints (the bootstrap models, before round 1).
  serve RUN ROUND
        The deploy hook: (re)start the servers on <models-dir>/<RUN>/round-<ROUND>/{policy,ppm}
        as rstar-policy-r<ROUND> / rstar-ppm-r<ROUND>, wait until each lists its model on
        GET /v1/models, and print as the last stdout line
          {"policy":{"model":"rstar-policy-r<ROUND>"},"ppm":{"model":"rstar-ppm-r<ROUND>"}}
        It refuses a round without <models-dir>/<RUN>/round-<ROUND>/DONE.
  free -- COMMAND [ARGS...]
        The train hook's wrapper: stop the servers (one GPU cannot hold them and the trainer),
        then exec COMMAND (e.g. rstar-train round ...), whose last stdout line is the result.
  stop  Stop the servers this script started.

The policy is served with prefix caching; the PPM (a *ForSequenceClassification checkpoint,
one raw-score label) as a pooling model: vllm serve PATH --runner pooling. They start one after
the other, so each sizes its KV cache from what the other left free. Servers run in their own
session (they outlive the hook) with pid files and logs in the state directory; only those
pids are ever signalled.

Environment (default):
  RSTAR_MODELS_DIR      checkpoints root the trainer writes (./models)
  RSTAR_VLLM_STATE      pid files and server logs (./runs/.vllm)
  RSTAR_VLLM_BIN        the vllm executable (vllm)
  RSTAR_POLICY_PORT     policy port on 127.0.0.1 (8000)
  RSTAR_PPM_PORT        PPM port on 127.0.0.1 (8001)
  RSTAR_POLICY_GPU_UTIL --gpu-memory-utilization of the policy (0.50)
  RSTAR_PPM_GPU_UTIL    --gpu-memory-utilization of the PPM (0.40)
  RSTAR_MAX_MODEL_LEN   --max-model-len of both (4096, Qwen2.5-Math's context)
  RSTAR_VLLM_TIMEOUT    seconds to wait for a server to list its model (1800)

Needs vllm, curl and setsid. Exit codes: 0 done, 64 usage, 66 checkpoint missing,
69 vllm/curl/setsid missing, 70 a server exited while starting, 75 timed out.
USAGE
}

die() {
  local code=$1
  shift
  printf 'local-gpu-vllm: %s\n' "$*" >&2
  exit "$code"
}
log() { printf 'local-gpu-vllm: %s\n' "$*" >&2; }

models_dir=${RSTAR_MODELS_DIR:-./models}
state_dir=${RSTAR_VLLM_STATE:-./runs/.vllm}
vllm_bin=${RSTAR_VLLM_BIN:-vllm}
policy_port=${RSTAR_POLICY_PORT:-8000}
ppm_port=${RSTAR_PPM_PORT:-8001}
policy_util=${RSTAR_POLICY_GPU_UTIL:-0.50}
ppm_util=${RSTAR_PPM_GPU_UTIL:-0.40}
max_len=${RSTAR_MAX_MODEL_LEN:-4096}
timeout=${RSTAR_VLLM_TIMEOUT:-1800}

need() {
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || die 69 "$tool not found on PATH"
  done
}

# Stops one server started by this script: SIGTERM to its process group (vLLM's engine processes
# included), SIGKILL after 60 s.
stop_one() {
  local role=$1 pidfile="$state_dir/$1.pid" pid
  [[ -f $pidfile ]] || return 0
  pid=$(<"$pidfile")
  if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
    log "stopping the $role server (pid $pid)"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 120; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "the $role server is still running after 60 s: SIGKILL"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
}

# start_one ROLE PATH NAME PORT UTIL [EXTRA vllm ARGS...]: starts and waits until it serves NAME.
start_one() {
  local role=$1 path=$2 name=$3 port=$4 util=$5
  shift 5
  [[ -e $path ]] || die 66 "$path does not exist"
  mkdir -p "$state_dir"
  local logfile="$state_dir/$role.log"
  log "starting the $role server: $name from $path on 127.0.0.1:$port (log $logfile)"
  setsid "$vllm_bin" serve "$path" --served-model-name "$name" --host 127.0.0.1 --port "$port" \
    --gpu-memory-utilization "$util" --max-model-len "$max_len" "$@" \
    >"$logfile" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$state_dir/$role.pid"
  local deadline=$((SECONDS + timeout))
  until curl -fsS --max-time 5 "http://127.0.0.1:$port/v1/models" 2>/dev/null |
    grep -q "\"id\": *\"$name\""; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$logfile" >&2 || true
      rm -f "$state_dir/$role.pid"
      die 70 "the $role server exited while starting (log $logfile)"
    fi
    ((SECONDS < deadline)) || die 75 "the $role server did not list $name within ${timeout}s (log $logfile)"
    sleep 2
  done
  log "the $role server serves $name"
}

start_servers() {
  local policy_path=$1 policy_name=$2 ppm_path=${3:-} ppm_name=${4:-}
  need "$vllm_bin" curl setsid
  stop_one policy
  stop_one ppm
  start_one policy "$policy_path" "$policy_name" "$policy_port" "$policy_util" --enable-prefix-caching
  if [[ -n $ppm_path ]]; then
    start_one ppm "$ppm_path" "$ppm_name" "$ppm_port" "$ppm_util" --runner pooling --enable-prefix-caching
  fi
}

command=${1:-}
[[ $# -gt 0 ]] && shift
case $command in
  -h | --help)
    usage
    ;;
  start)
    [[ $# -eq 2 || $# -eq 4 ]] || die 64 'start takes POLICY_PATH POLICY_NAME [PPM_PATH PPM_NAME] (see --help)'
    start_servers "$@"
    ;;
  serve)
    [[ $# -ge 2 ]] || die 64 'serve takes RUN ROUND (see --help)'
    run=$1 round=$2
    [[ $round =~ ^[0-9]+$ ]] || die 64 "ROUND must be a number, got '$round'"
    dir="$models_dir/$run/round-$round"
    [[ -f $dir/DONE ]] || die 66 "$dir/DONE does not exist: the train hook has not finished round $round"
    start_servers "$dir/policy" "rstar-policy-r$round" "$dir/ppm" "rstar-ppm-r$round"
    printf '{"policy":{"model":"rstar-policy-r%s"},"ppm":{"model":"rstar-ppm-r%s"}}\n' "$round" "$round"
    ;;
  free)
    [[ ${1:-} == -- ]] && shift
    [[ $# -ge 1 ]] || die 64 'free takes -- COMMAND [ARGS...] (see --help)'
    stop_one policy
    stop_one ppm
    exec "$@"
    ;;
  stop)
    stop_one policy
    stop_one ppm
    ;;
  *)
    usage >&2
    die 64 "unknown command '${command}'"
    ;;
esac

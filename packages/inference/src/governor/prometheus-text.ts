/**
 * Sums of the samples of each metric family in a Prometheus text exposition (all label sets
 * added: a server with several engines or models reports one series each). Enough to read the
 * handful of gauges and counters the adaptive governor needs; comments and malformed lines are
 * skipped.
 */
export function sumSamples(text: string): Map<string, number> {
  const sums = new Map<string, number>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)/.exec(line);
    if (m === null) continue;
    const name = m[1] as string;
    const value = Number(m[3]);
    if (!Number.isFinite(value)) continue;
    sums.set(name, (sums.get(name) ?? 0) + value);
  }
  return sums;
}

/** Load signals of an inference server, read under each server's own metric names. */
export interface ServerLoad {
  /** Requests queued at the server (vLLM waiting, SGLang queue, llama.cpp: see `readServerLoad`). */
  waiting: number | undefined;
  /** KV-cache use in [0, 1] (vLLM kv/gpu cache usage, SGLang token usage). */
  kvUsage: number | undefined;
  /** Cumulative preemptions (vLLM only); the governor looks at its increase. */
  preemptions: number | undefined;
}

function first(sums: Map<string, number>, names: readonly string[]): number | undefined {
  for (const n of names) {
    const v = sums.get(n);
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * `inFlightSequences`: the sequences this client has in flight to the server. llama.cpp's
 * `requests_deferred` misses the requests that wait in its HTTP layer (it read 0–4 while ~28
 * waited), so its queue is taken as at least the client's sequences that no slot works on:
 * in flight minus `requests_processing` (its busy slots). Other clients' requests make the true
 * queue longer, never shorter.
 */
export function readServerLoad(text: string, inFlightSequences = 0): ServerLoad {
  const sums = sumSamples(text);
  const reported = first(sums, [
    'vllm:num_requests_waiting',
    'sglang:num_queue_reqs',
    'llamacpp:requests_deferred',
  ]);
  const busySlots = sums.get('llamacpp:requests_processing');
  return {
    waiting:
      busySlots === undefined ? reported : Math.max(reported ?? 0, inFlightSequences - busySlots),
    // vLLM V0 and older builds call it gpu_cache_usage_perc; both are fractions in [0, 1].
    kvUsage: first(sums, [
      'vllm:kv_cache_usage_perc',
      'vllm:gpu_cache_usage_perc',
      'sglang:token_usage',
    ]),
    preemptions: first(sums, ['vllm:num_preemptions_total', 'vllm:num_preemptions']),
  };
}

import { Counter, Gauge, type Registry } from 'prom-client';
import { createRegistry } from '@rstar-fleet/telemetry';
import type { GpuCounters } from './gpu/engine';
import type { SchedulerIntegrals, SchedulerSnapshot } from './latency';

/**
 * vLLM's Prometheus names (docs/design/metrics.md), so that dashboards and the client's adaptive
 * in-flight governor read the simulator like the real server: running/waiting sequences, KV use
 * under the V1 name and the older `gpu_` name, token counters, finished requests by reason.
 * Labelled `model_name` as vLLM does; the simulator's ids (`sim-policy-…`) say what it is.
 */
export class SimMetrics {
  /** No `service` label: the simulator's exposition reads as vLLM's. */
  readonly registry: Registry = createRegistry('model-sim', { serviceLabel: false });
  private readonly promptTokens: Counter<'model_name'>;
  private readonly generationTokens: Counter<'model_name'>;
  private readonly success: Counter<'model_name' | 'finished_reason'>;
  private modelName: string;

  constructor(
    snapshot: () => SchedulerSnapshot,
    kvCapacity: () => number,
    modelName: string,
    integrals?: () => SchedulerIntegrals,
    gpu: () => GpuCounters | null = () => null,
  ) {
    this.modelName = modelName;
    const registers = [this.registry];
    const labelNames = ['model_name'] as const;
    const gauge = (name: string, help: string, read: (s: SchedulerSnapshot) => number): void => {
      new Gauge({
        name,
        help,
        labelNames,
        registers,
        collect: function (this: Gauge<'model_name'>) {
          this.reset();
          this.labels(modelNameOf()).set(read(snapshot()));
        },
      });
    };
    const modelNameOf = (): string => this.modelName;
    gauge('vllm:num_requests_running', 'Sequences decoding now (simulated).', (s) => s.running);
    gauge(
      'vllm:num_requests_waiting',
      'Sequences waiting in the queue (simulated).',
      (s) => s.waiting,
    );
    const kv = (s: SchedulerSnapshot): number => Math.min(1, s.kvTokens / kvCapacity());
    gauge('vllm:kv_cache_usage_perc', 'KV-cache usage, 0..1 (simulated).', kv);
    gauge('vllm:gpu_cache_usage_perc', 'KV-cache usage, 0..1 (pre-V1 name; simulated).', kv);
    // What the GPU cost model counts, under vLLM's names (zero under the fixed latency model).
    const counted = (name: string, help: string, key: keyof GpuCounters, vllm: boolean): void => {
      new Counter({
        name,
        help,
        labelNames: vllm ? labelNames : [],
        registers,
        collect: function (this: Counter<'model_name'>) {
          this.reset();
          const value = gpu()?.[key] ?? 0;
          if (vllm) this.labels(modelNameOf()).inc(value);
          else this.inc(value);
        },
      });
    };
    counted(
      'vllm:num_preemptions_total',
      'Sequences preempted for KV space (simulated).',
      'preemptions',
      true,
    );
    counted(
      'vllm:prefix_cache_queries_total',
      'Prompt tokens looked up in the prefix cache (simulated).',
      'prefixQueryTokens',
      true,
    );
    counted(
      'vllm:prefix_cache_hits_total',
      'Prompt tokens served from the prefix cache (simulated).',
      'prefixHitTokens',
      true,
    );
    // Not vLLM metrics: the simulated GPU's own accounts, in simulated seconds and tokens.
    counted(
      'rstar_sim_gpu_busy_seconds_total',
      'Simulated seconds the GPU ran engine steps.',
      'busySeconds',
      false,
    );
    counted(
      'rstar_sim_gpu_elapsed_seconds_total',
      'Simulated seconds since the GPU engine started (busy or idle).',
      'elapsedSeconds',
      false,
    );
    counted(
      'rstar_sim_gpu_lag_seconds_total',
      'Simulated seconds the engine steps ran late on the wall clock (host too slow).',
      'lagSeconds',
      false,
    );
    counted(
      'rstar_sim_gpu_idle_wall_seconds_total',
      'WALL seconds the GPU had no step to run (host time, at any time scale).',
      'idleWallSeconds',
      false,
    );
    counted(
      'rstar_sim_prefill_tokens_total',
      'Prompt tokens computed by prefill (cache misses and recomputation; simulated).',
      'prefillTokens',
      false,
    );
    counted('rstar_sim_gpu_steps_total', 'Engine steps run (simulated).', 'steps', false);
    if (integrals !== undefined) {
      // Not vLLM metrics: exact utilisation for benchmarks (Δbusy ÷ Δcapacity over a window).
      const integral = (name: string, help: string, key: keyof SchedulerIntegrals): void => {
        new Counter({
          name,
          help,
          registers,
          collect: function (this: Counter) {
            this.reset();
            this.inc(integrals()[key]);
          },
        });
      };
      integral(
        'rstar_sim_busy_sequence_seconds_total',
        'Integral of running sequences over time (simulated GPU busy time, sequence-seconds).',
        'busySeqSeconds',
      );
      integral(
        'rstar_sim_capacity_sequence_seconds_total',
        'Integral of max-num-seqs over time (simulated GPU capacity, sequence-seconds).',
        'capacitySeqSeconds',
      );
      integral(
        'rstar_sim_waiting_sequence_seconds_total',
        'Integral of queued sequences over time (demand beyond capacity, sequence-seconds).',
        'waitingSeqSeconds',
      );
    }
    this.promptTokens = new Counter({
      name: 'vllm:prompt_tokens_total',
      help: 'Prompt tokens processed.',
      labelNames,
      registers,
    });
    this.generationTokens = new Counter({
      name: 'vllm:generation_tokens_total',
      help: 'Tokens generated.',
      labelNames,
      registers,
    });
    this.success = new Counter({
      name: 'vllm:request_success_total',
      help: 'Finished sequences by finish reason.',
      labelNames: ['model_name', 'finished_reason'] as const,
      registers,
    });
  }

  /** After a checkpoint load the series carry the new model id. */
  setModelName(name: string): void {
    this.modelName = name;
  }

  recordCompletion(promptTokens: number, generationTokens: number, reasons: string[]): void {
    this.promptTokens.labels(this.modelName).inc(promptTokens);
    this.generationTokens.labels(this.modelName).inc(generationTokens);
    for (const r of reasons) this.success.labels(this.modelName, r).inc();
  }

  recordPooling(promptTokens: number): void {
    this.promptTokens.labels(this.modelName).inc(promptTokens);
  }
}

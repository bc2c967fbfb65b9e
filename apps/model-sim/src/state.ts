import { compileStepProtocol, type StepProtocol } from '@rstar-fleet/mcts';
import { policyModelId, ppmModelId, type Checkpoint } from './checkpoint';
import { realSleep, type Sleep } from './latency';
import { SimMetrics } from './metrics';
import { createServingEngine, type ServingEngine } from './serving';

/**
 * What a running simulator holds: the current checkpoint (swapped whole by `/admin/load`, so a
 * request sees one checkpoint from start to end), the serving engine and the metrics.
 */
export class SimState {
  readonly scheduler: ServingEngine;
  readonly metrics: SimMetrics;
  private current: Checkpoint;

  /**
   * `latency` overrides every checkpoint's latency model: latency belongs to the (simulated)
   * hardware, so it survives `/admin/load` of a new checkpoint, as a GPU does a model deploy.
   */
  constructor(
    checkpoint: Checkpoint,
    readonly protocol: StepProtocol = compileStepProtocol(),
    sleep: Sleep = realSleep,
    private readonly latency: Partial<Checkpoint['latency']> = {},
  ) {
    checkpoint = this.withLatency(checkpoint);
    this.current = checkpoint;
    this.scheduler = createServingEngine(checkpoint.latency, sleep);
    this.metrics = new SimMetrics(
      () => this.scheduler.snapshot(),
      () => this.current.latency.kvCacheTokens,
      policyModelId(checkpoint),
      () => this.scheduler.integrals(),
      () => this.scheduler.gpuCounters(),
    );
  }

  get checkpoint(): Checkpoint {
    return this.current;
  }

  get policyId(): string {
    return policyModelId(this.current);
  }

  get ppmId(): string {
    return ppmModelId(this.current);
  }

  load(loaded: Checkpoint): void {
    const checkpoint = this.withLatency(loaded);
    this.current = checkpoint;
    this.scheduler.reconfigure(checkpoint.latency);
    this.metrics.setModelName(policyModelId(checkpoint));
  }

  private withLatency(checkpoint: Checkpoint): Checkpoint {
    return { ...checkpoint, latency: { ...checkpoint.latency, ...this.latency } };
  }
}

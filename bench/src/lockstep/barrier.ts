/**
 * The synchronisation of rStar's released loop over many trees (`solver.solve`): a phase runs
 * only when every live tree is waiting for it. Trees wait at four points: before a rollout, at a
 * policy call, at a code execution, at a PPM call. When all are waiting, one group goes, in the
 * order a depth level runs — the executions, then the PPM calls, of the level just generated;
 * else the policy calls of the shallowest depth waiting (rStar's depth loop: one generate call
 * per depth level, over the trees that need an expansion there); else the next rollout, for all.
 * A group's calls go to its handler as ONE batched call.
 */
export type Stage = 'executor' | 'reward' | 'policy' | 'rollout';

const ORDER: readonly Stage[] = ['executor', 'reward', 'policy', 'rollout'];

interface Arrival {
  stage: Stage;
  depth: number;
  payload: unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** Runs one stage's batched call: one result per payload, in order. */
export type StageHandler = (payloads: unknown[]) => Promise<unknown[]>;

export class LockstepBarrier {
  private live = 0;
  private readonly waiting: Arrival[] = [];

  constructor(private readonly handlers: Record<Exclude<Stage, 'rollout'>, StageHandler>) {}

  /** A tree starts taking part. */
  join(): void {
    this.live++;
  }

  /** A tree's search ended: the others no longer wait for it. */
  leave(): void {
    this.live--;
    this.maybeRelease();
  }

  /** Waits until this stage's group goes; resolves with this payload's result. */
  arrive<T>(stage: Stage, depth: number, payload: unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({
        stage,
        depth,
        payload,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      this.maybeRelease();
    });
  }

  private maybeRelease(): void {
    if (this.live === 0 || this.waiting.length < this.live) return;
    const stage = ORDER.find((s) => this.waiting.some((a) => a.stage === s))!;
    let group = this.waiting.filter((a) => a.stage === stage);
    if (stage === 'policy') {
      const depth = Math.min(...group.map((a) => a.depth));
      group = group.filter((a) => a.depth === depth);
    }
    for (const a of group) this.waiting.splice(this.waiting.indexOf(a), 1);
    if (stage === 'rollout') {
      for (const a of group) a.resolve(undefined);
      return;
    }
    this.handlers[stage](group.map((a) => a.payload)).then(
      (results) => group.forEach((a, i) => a.resolve(results[i])),
      (err: unknown) => group.forEach((a) => a.reject(err)),
    );
  }
}

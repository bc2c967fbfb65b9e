import type { RewardPort } from '@rstar-fleet/mcts';
import { buildReplicas, together } from '../client-base';
import type { CallOptions, Endpoint } from '../governor/endpoint';
import {
  compileRewardOptions,
  type CompiledRewardOptions,
  type RewardClientOptions,
} from '../options/reward-options';
import { DialectError } from '../policy/dialect';
import type { ReplicaSet } from '../routing/replica-set';
import { REWARD_DIALECT_IMPLS, type RewardDialect, type RewardSettings } from './dialects';
import { rewardTransform } from './transforms';

/**
 * The PPM client: one score per prefix, in order, through `/classify` or `/pooling`. Prefixes of
 * one call travel in as few requests as `maxBatchSize` allows, all to the same replica.
 */
export class RewardClient implements RewardPort {
  readonly options: CompiledRewardOptions;
  private readonly replicas: ReplicaSet;
  private readonly dialect: RewardDialect;
  private readonly settings: RewardSettings;
  private readonly transform: (x: number) => number;

  constructor(options: RewardClientOptions) {
    this.options = compileRewardOptions(options);
    this.dialect = REWARD_DIALECT_IMPLS[this.options.dialect];
    this.settings = {
      model: this.options.model,
      scoreIndex: this.options.scoreIndex,
      useActivation: this.options.useActivation,
      poolingTask: this.options.poolingTask,
    };
    this.transform = rewardTransform(this.options.transform);
    this.replicas = buildReplicas(this.options, 'reward');
  }

  /**
   * Scores `prefixes`. `routingKey` (the problem id) keeps a tree on one replica so its prefix
   * cache is reused; without one, the first prefix is the key (siblings of one expansion share a
   * replica, but later expansions of the tree may not). Prefer `forTree(problemId)`.
   */
  async score(prefixes: string[], signal?: AbortSignal, routingKey?: string): Promise<number[]> {
    if (prefixes.length === 0) return [];
    const key = routingKey ?? prefixes[0] ?? '';
    return this.replicas.run(key, (endpoint, { lastReplica }) =>
      this.scoreOn(endpoint, prefixes, signal, lastReplica),
    );
  }

  /** A `RewardPort` pinned to one tree's replica. */
  forTree(problemId: string): RewardPort {
    return { score: (prefixes, signal) => this.score(prefixes, signal, problemId) };
  }

  route(key: string): string[] {
    return this.replicas.order(key).map((e) => e.name);
  }

  /** Runs one pass of every endpoint's adaptive loop now (it also runs on its own timer). */
  async adapt(): Promise<void> {
    await Promise.all(this.replicas.endpoints.map((e) => e.adapt()));
  }

  async close(): Promise<void> {
    await Promise.all(this.replicas.endpoints.map((e) => e.close()));
  }

  private async scoreOn(
    endpoint: Endpoint,
    prefixes: string[],
    signal: AbortSignal | undefined,
    lastReplica: boolean,
  ): Promise<number[]> {
    const size = this.options.maxBatchSize;
    const batches: string[][] = [];
    for (let i = 0; i < prefixes.length; i += size) batches.push(prefixes.slice(i, i + size));
    const parts = await together(
      signal,
      batches.map(
        (b) => (group: AbortSignal) =>
          this.scoreBatch(endpoint, b, { signal: group, callerSignal: signal, lastReplica }),
      ),
    );
    return parts.flat();
  }

  private async scoreBatch(
    endpoint: Endpoint,
    inputs: string[],
    call: CallOptions,
  ): Promise<number[]> {
    const body = { ...this.dialect.body(inputs, this.settings), ...this.options.extraBody };
    const inputChars = inputs.reduce((a, s) => a + s.length, 0);
    const json = await endpoint.postJson(
      this.dialect.path,
      body,
      { inputChars, outputTokens: 0, sequences: inputs.length },
      call,
    );
    try {
      const parsed = this.dialect.parse(json, inputs.length, this.settings);
      endpoint.countTokens(parsed.promptTokens, 0);
      return parsed.raw.map(this.transform);
    } catch (err) {
      if (err instanceof DialectError) throw endpoint.malformed(err.message);
      throw err;
    }
  }
}

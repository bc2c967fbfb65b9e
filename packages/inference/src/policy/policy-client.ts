import { ContextOverflowError, type PolicyDialectName } from '@rstar-fleet/protocol';
import type { ExpandRequest, PolicyPort, StepCandidate } from '@rstar-fleet/mcts';
import { buildReplicas, together } from '../client-base';
import { InferenceSampleError } from '../errors';
import type { CallOptions, Endpoint } from '../governor/endpoint';
import {
  compilePolicyOptions,
  type CompiledPolicyOptions,
  type PolicyClientOptions,
} from '../options/policy-options';
import type { ReplicaSet } from '../routing/replica-set';
import { DialectError, type PolicyCall, type PolicyDialect, type Sampling } from './dialect';
import { llamacppDialect } from './llamacpp';
import { openaiDialect, sglangDialect, vllmDialect } from './openai-family';
import { ServerSlots } from './server-slots';

const DIALECTS: Record<PolicyDialectName, PolicyDialect> = {
  vllm: vllmDialect,
  sglang: sglangDialect,
  llamacpp: llamacppDialect,
  openai: openaiDialect,
};

/** Seeds are 32-bit on some servers (llama.cpp); fan-out children get seed, seed+1, … wrapped. */
function childSeed(seed: number, i: number): number {
  return (seed + i) % 2 ** 32;
}

/**
 * The policy client: `expand` samples n next steps of a tree node on the tree's replica. Plugs
 * into the search engine as its `PolicyPort`. Throws `ContextOverflowError` when the prompt no
 * longer fits (the node becomes terminal), typed `Inference*Error`s otherwise. A candidate the
 * server cannot render (`InferenceSampleError`) is drawn again with a new seed, then left out:
 * fewer candidates, not a failed expansion.
 */
export class PolicyClient implements PolicyPort {
  readonly options: CompiledPolicyOptions;
  private readonly replicas: ReplicaSet;
  private readonly dialect: PolicyDialect;
  private readonly sampling: Sampling;
  /** Per endpoint, how many samples one request may carry (llama.cpp); absent: any n. */
  private readonly slots: ServerSlots | undefined;

  constructor(options: PolicyClientOptions) {
    this.options = compilePolicyOptions(options);
    this.dialect = DIALECTS[this.options.dialect];
    this.sampling = { model: this.options.model, ...this.options.sampling };
    this.replicas = buildReplicas(this.options, 'policy');
    this.slots = this.dialect.slots && new ServerSlots(this.dialect.slots);
  }

  /** The replica names in the order a problem's requests try them (healthy first). */
  route(problemId: string): string[] {
    return this.replicas.order(problemId).map((e) => e.name);
  }

  async expand(request: ExpandRequest): Promise<StepCandidate[]> {
    if (request.n < 1) return [];
    return this.replicas.run(request.problemId, (endpoint, { lastReplica }) =>
      this.expandOn(endpoint, request, lastReplica),
    );
  }

  /** Runs one pass of every endpoint's adaptive loop now (it also runs on its own timer). */
  async adapt(): Promise<void> {
    await Promise.all(this.replicas.endpoints.map((e) => e.adapt()));
  }

  /** Closes keep-alive sockets and stops the adaptive loops. */
  async close(): Promise<void> {
    await Promise.all(this.replicas.endpoints.map((e) => e.close()));
  }

  private async expandOn(
    endpoint: Endpoint,
    request: ExpandRequest,
    lastReplica: boolean,
  ): Promise<StepCandidate[]> {
    const base = { prompt: request.prompt, stop: request.stop };
    if (await this.oneRequest(endpoint, request.n)) {
      const call = { signal: request.signal, callerSignal: request.signal, lastReplica };
      try {
        return await this.call(endpoint, { ...base, n: request.n, seed: request.seed }, call);
      } catch (err) {
        // One sample the server cannot render fails the whole request: draw them one by one,
        // so that only that one is lost.
        if (!(err instanceof InferenceSampleError)) throw err;
      }
    }
    // Siblings go out together so the server prefills the shared prompt once; the first failure
    // aborts the rest (the whole expansion is retried on another replica or fails).
    const parts = await together(
      request.signal,
      Array.from({ length: request.n }, (_, i) => (group: AbortSignal) => {
        const call = { signal: group, callerSignal: request.signal, lastReplica };
        return this.sample(endpoint, base, childSeed(request.seed, i), request.n, call);
      }),
    );
    return parts.flat();
  }

  /** Whether one request carries all n samples (else n requests with one each). */
  private async oneRequest(endpoint: Endpoint, n: number): Promise<boolean> {
    if (this.options.fanOut) return false;
    if (this.slots === undefined) return true;
    if (n === 1) return false; // a single sample needs no slot count
    const slots = await this.slots.of(endpoint);
    return slots !== undefined && n <= slots;
  }

  /**
   * One candidate. A sample the server cannot render fails the same way for the same seed on
   * every replica: it is drawn once more with a seed no sibling uses (seed + n), then left out.
   */
  private async sample(
    endpoint: Endpoint,
    base: { prompt: string; stop: readonly string[] },
    seed: number,
    n: number,
    call: CallOptions,
  ): Promise<StepCandidate[]> {
    for (const s of [seed, childSeed(seed, n)]) {
      try {
        return await this.call(endpoint, { ...base, n: 1, seed: s }, call);
      } catch (err) {
        if (!(err instanceof InferenceSampleError)) throw err;
      }
    }
    return [];
  }

  private async call(
    endpoint: Endpoint,
    policyCall: PolicyCall,
    call: CallOptions,
  ): Promise<StepCandidate[]> {
    const body = { ...this.dialect.body(policyCall, this.sampling), ...this.options.extraBody };
    const json = await endpoint.postJson(
      this.dialect.path,
      body,
      {
        inputChars: policyCall.prompt.length,
        outputTokens: this.sampling.maxTokens,
        sequences: policyCall.n,
      },
      call,
    );
    try {
      const parsed = this.dialect.parse(json, policyCall);
      endpoint.countTokens(parsed.promptTokens, parsed.completionTokens);
      return parsed.candidates;
    } catch (err) {
      if (err instanceof DialectError) throw endpoint.malformed(err.message);
      if (err instanceof ContextOverflowError) endpoint.recordError('context_overflow');
      throw err;
    }
  }
}

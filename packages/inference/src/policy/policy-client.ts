import { ContextOverflowError, type PolicyDialectName } from '@rstar-fleet/protocol';
import type { ExpandRequest, PolicyPort, StepCandidate } from '@rstar-fleet/mcts';
import { buildReplicas } from '../client-base';
import type { Endpoint } from '../governor/endpoint';
import {
  compilePolicyOptions,
  type CompiledPolicyOptions,
  type PolicyClientOptions,
} from '../options/policy-options';
import type { ReplicaSet } from '../routing/replica-set';
import { DialectError, type PolicyCall, type PolicyDialect, type Sampling } from './dialect';
import { llamacppDialect } from './llamacpp';
import { openaiDialect, sglangDialect, vllmDialect } from './openai-family';

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
 * longer fits (the node becomes terminal), typed `Inference*Error`s otherwise.
 */
export class PolicyClient implements PolicyPort {
  readonly options: CompiledPolicyOptions;
  private readonly replicas: ReplicaSet;
  private readonly dialect: PolicyDialect;
  private readonly sampling: Sampling;

  constructor(options: PolicyClientOptions) {
    this.options = compilePolicyOptions(options);
    this.dialect = DIALECTS[this.options.dialect];
    this.sampling = { model: this.options.model, ...this.options.sampling };
    this.replicas = buildReplicas(this.options, 'policy');
  }

  /** The replica names in the order a problem's requests try them (healthy first). */
  route(problemId: string): string[] {
    return this.replicas.order(problemId).map((e) => e.name);
  }

  async expand(request: ExpandRequest): Promise<StepCandidate[]> {
    if (request.n < 1) return [];
    return this.replicas.run(request.problemId, (endpoint, { retryTimeouts }) =>
      this.expandOn(endpoint, request, retryTimeouts),
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
    retryTimeouts: boolean,
  ): Promise<StepCandidate[]> {
    const base = { prompt: request.prompt, stop: request.stop };
    if (this.dialect.supportsN && !this.options.fanOut) {
      return this.call(
        endpoint,
        { ...base, n: request.n, seed: request.seed },
        request.signal,
        retryTimeouts,
      );
    }
    // Siblings go out together so the server prefills the shared prompt once; the first failure
    // aborts the rest (the whole expansion is retried on another replica or fails).
    const group = new AbortController();
    const onAbort = (): void => group.abort(request.signal?.reason);
    if (request.signal?.aborted) onAbort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const parts = await Promise.all(
        Array.from({ length: request.n }, (_, i) =>
          this.call(
            endpoint,
            { ...base, n: 1, seed: childSeed(request.seed, i) },
            group.signal,
            retryTimeouts,
          ).catch((err: unknown) => {
            group.abort(err);
            throw err;
          }),
        ),
      );
      return parts.flat();
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
    }
  }

  private async call(
    endpoint: Endpoint,
    call: PolicyCall,
    signal: AbortSignal | undefined,
    retryTimeouts: boolean,
  ): Promise<StepCandidate[]> {
    const body = { ...this.dialect.body(call, this.sampling), ...this.options.extraBody };
    const json = await endpoint.postJson(
      this.dialect.path,
      body,
      { inputChars: call.prompt.length, outputTokens: this.sampling.maxTokens },
      signal,
      retryTimeouts,
    );
    try {
      const parsed = this.dialect.parse(json, call);
      endpoint.countTokens(parsed.promptTokens, parsed.completionTokens);
      return parsed.candidates;
    } catch (err) {
      if (err instanceof DialectError) throw endpoint.malformed(err.message);
      if (err instanceof ContextOverflowError) endpoint.recordError('context_overflow');
      throw err;
    }
  }
}

/**
 * @rstar-fleet/inference — policy and PPM clients for vLLM, SGLang, llama.cpp and generic
 * OpenAI-compatible servers: explicit sampling fields, stop-tag normalisation, a governor per
 * endpoint (in-flight budget, deadlines, retries with jittered backoff, adaptive from /metrics),
 * tree-sticky replica routing and `rstar_inference_*` metrics. Fake servers that answer like
 * the real ones live in `@rstar-fleet/inference/testing`.
 */
export { PolicyClient } from './policy/policy-client';
export { RewardClient } from './reward/reward-client';
export { compilePolicyOptions } from './options/policy-options';
export type {
  CompiledPolicyOptions,
  PolicyClientOptions,
  SamplingOptions,
} from './options/policy-options';
export { compileRewardOptions } from './options/reward-options';
export type { CompiledRewardOptions, RewardClientOptions } from './options/reward-options';
export type {
  CommonClientOptions,
  EndpointOptions,
  GovernorOptions,
  RoutingOptions,
} from './options/common';
export { rewardTransform } from './reward/transforms';
export {
  InferenceCancelledError,
  InferenceDeadlineError,
  InferenceMalformedError,
  InferenceOverloadedError,
  InferenceRequestError,
  InferenceSampleError,
  InferenceUnavailableError,
} from './errors';
export { ContextOverflowError } from '@rstar-fleet/protocol';
export { ERROR_KINDS, InferenceMetrics } from './metrics';
export type { ErrorKind } from './metrics';
export { backoffDelayMs } from './governor/backoff';
export { rendezvousOrder } from './routing/hrw';

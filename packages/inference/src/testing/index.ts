/**
 * Test doubles: HTTP servers that answer like vLLM, SGLang, llama.cpp and generic OAI servers, and
 * a reader of the client's metrics.
 */
export { FakeInferenceServer } from './fake-server';
export type { Fault, FakeServerOptions, RecordedRequest } from './fake-server';
export { SGLANG_EOS_TOKEN_ID } from './fake-bodies';
export type { FakeDialect, FakeSample } from './fake-bodies';
export { metricValue } from './metric-value';

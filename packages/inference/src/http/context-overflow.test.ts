import { ContextOverflowError } from '@rstar-fleet/protocol';
import { contextOverflowFrom, isContextOverflow } from './context-overflow';
import { parseErrorBody } from './error-body';

const bodies = {
  vllmNew: JSON.stringify({
    error: {
      message:
        "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.",
      type: 'BadRequestError',
      param: null,
      code: 400,
    },
  }),
  vllmInputOnly: JSON.stringify({
    object: 'error',
    message:
      "This model's maximum context length is 4096 tokens. However, your request has 5000 input tokens. Please reduce the length of the input messages.",
    type: 'BadRequestError',
    param: null,
    code: 400,
  }),
  sglang: JSON.stringify({
    object: 'error',
    message:
      'Input length (9000 tokens) exceeds the maximum allowed length (8192 tokens). Use a shorter input or enable --allow-auto-truncate.',
    type: 'BadRequestError',
    param: null,
    code: 400,
  }),
  llamacpp: JSON.stringify({
    error: {
      code: 400,
      message:
        'request (9412 tokens) exceeds the available context size (8192 tokens), try increasing it',
      type: 'exceed_context_size_error',
      n_prompt_tokens: 9412,
      n_ctx: 8192,
    },
  }),
  openai: JSON.stringify({
    error: { message: 'too long', type: 'invalid_request_error', code: 'context_length_exceeded' },
  }),
};

describe('context overflow detection', () => {
  it.each([
    ['vllmNew', 4096, 5000],
    ['vllmInputOnly', 4096, 5000],
    ['sglang', 8192, 9000],
    ['llamacpp', 8192, 9412],
    ['openai', undefined, undefined],
  ] as const)('recognises %s and reads the sizes', (name, limit, requested) => {
    const body = parseErrorBody(bodies[name]);
    expect(isContextOverflow(body)).toBe(true);
    const err = contextOverflowFrom(body, 'e0', new Error('x'));
    expect(err).toBeInstanceOf(ContextOverflowError);
    expect(err.code).toBe('RESOURCE_EXHAUSTED');
    expect({ limit: err.limit, requested: err.requested }).toEqual({ limit, requested });
  });

  it('does not mistake other 400s for an overflow', () => {
    const body = parseErrorBody(
      JSON.stringify({
        error: { message: 'temperature must be non-negative', type: 'BadRequestError', code: 400 },
      }),
    );
    expect(isContextOverflow(body)).toBe(false);
  });
});

describe('parseErrorBody', () => {
  it('reads FastAPI detail lists and non-JSON text', () => {
    expect(parseErrorBody('{"detail":[{"msg":"field required"}]}').message).toBe('field required');
    expect(parseErrorBody('<html>bad gateway</html>').message).toBe('<html>bad gateway</html>');
  });
});

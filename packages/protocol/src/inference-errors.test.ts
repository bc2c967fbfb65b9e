import { errorCodeOf, RstarError } from './errors';
import { ContextOverflowError } from './inference-errors';

describe('ContextOverflowError', () => {
  it('is a RESOURCE_EXHAUSTED rstar error carrying the sizes and cause', () => {
    const cause = new Error('HTTP 400: maximum context length is 4096 tokens');
    const err = new ContextOverflowError(
      'prompt too long',
      { requested: 5000, limit: 4096 },
      { cause },
    );
    expect(err).toBeInstanceOf(RstarError);
    expect(err.name).toBe('ContextOverflowError');
    expect(errorCodeOf(err)).toBe('RESOURCE_EXHAUSTED');
    expect([err.requested, err.limit]).toEqual([5000, 4096]);
    expect(err.cause).toBe(cause);
  });

  it('leaves unknown sizes undefined', () => {
    const err = new ContextOverflowError('prompt too long');
    expect([err.requested, err.limit]).toEqual([undefined, undefined]);
  });
});

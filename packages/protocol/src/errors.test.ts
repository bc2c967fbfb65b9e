import {
  ERROR_CODES,
  InvalidInputError,
  NotFoundError,
  RstarError,
  errorCodeOf,
  formatLocation,
  httpStatusForCode,
} from './errors';

describe('errors', () => {
  it('names the place of bad input in the message', () => {
    const err = new InvalidInputError('expected a string', {
      source: 'pairs.jsonl',
      line: 12,
      field: 'pred',
    });
    expect(err.message).toBe('pairs.jsonl:12, field pred: expected a string');
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.name).toBe('InvalidInputError');
    expect(err).toBeInstanceOf(RstarError);
  });

  it('formats partial locations', () => {
    expect(formatLocation({ field: 'rounds.0.rollouts' })).toBe('field rounds.0.rollouts');
    expect(formatLocation({ source: 'plan.yaml' })).toBe('plan.yaml');
    expect(formatLocation({})).toBe('');
    expect(new InvalidInputError('bad').message).toBe('bad');
  });

  it('keeps the cause and maps foreign errors to INTERNAL', () => {
    const cause = new Error('ENOENT');
    const err = new NotFoundError('no such file', { cause });
    expect(err.cause).toBe(cause);
    expect(errorCodeOf(err)).toBe('NOT_FOUND');
    expect(errorCodeOf(new TypeError('x'))).toBe('INTERNAL');
    expect(errorCodeOf('a string')).toBe('INTERNAL');
  });

  it('gives every code one HTTP status: client errors 4xx, server-side trouble 5xx', () => {
    const statuses = Object.fromEntries(ERROR_CODES.map((c) => [c, httpStatusForCode(c)]));
    expect(statuses).toEqual({
      INVALID_ARGUMENT: 400,
      NOT_FOUND: 404,
      FAILED_PRECONDITION: 400,
      RESOURCE_EXHAUSTED: 429,
      UNAVAILABLE: 503,
      DEADLINE_EXCEEDED: 504,
      CANCELLED: 499,
      INTERNAL: 500,
    });
  });
});

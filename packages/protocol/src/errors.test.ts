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

  it("gives every code one HTTP status: the caller's errors 4xx, the server's trouble 5xx", () => {
    const callers = ['INVALID_ARGUMENT', 'NOT_FOUND', 'FAILED_PRECONDITION', 'RESOURCE_EXHAUSTED'];
    const classOf = (code: (typeof ERROR_CODES)[number]): string =>
      `${Math.floor(httpStatusForCode(code) / 100)}xx`;
    expect(ERROR_CODES.filter((c) => callers.includes(c)).map(classOf)).toEqual(
      callers.map(() => '4xx'),
    );
    expect(
      ERROR_CODES.filter((c) => ['UNAVAILABLE', 'DEADLINE_EXCEEDED', 'INTERNAL'].includes(c)).map(
        classOf,
      ),
    ).toEqual(['5xx', '5xx', '5xx']);
    // What clients act on: back off on 429, retry elsewhere on 503, a lost deadline is 504, and a
    // call its client cancelled is nginx's 499 (not an outage of the server).
    expect(httpStatusForCode('RESOURCE_EXHAUSTED')).toBe(429);
    expect(httpStatusForCode('UNAVAILABLE')).toBe(503);
    expect(httpStatusForCode('DEADLINE_EXCEEDED')).toBe(504);
    expect(httpStatusForCode('CANCELLED')).toBe(499);
    expect(httpStatusForCode('NOT_FOUND')).toBe(404);
  });
});

import {
  ContextOverflowError,
  ERROR_CODES,
  RstarError,
  httpStatusForCode,
} from '@rstar-fleet/protocol';
import { BodyTooLargeError, MethodNotAllowedError, statusOf } from './http-errors';

describe("the simulator's HTTP statuses", () => {
  it('answers each error code with the status protocol maps it to', () => {
    for (const code of ERROR_CODES) {
      expect(statusOf(new RstarError(code, 'x'))).toBe(httpStatusForCode(code));
    }
    expect(statusOf(new Error('a bug'))).toBe(500);
  });

  it('keeps the statuses vLLM gives its own cases', () => {
    expect(statusOf(new MethodNotAllowedError('GET', '/v1/completions'))).toBe(405);
    expect(statusOf(new BodyTooLargeError(10))).toBe(413);
    expect(
      statusOf(new ContextOverflowError('prompt too long', { requested: 5000, limit: 4096 })),
    ).toBe(400);
  });
});

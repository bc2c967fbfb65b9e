import {
  InferenceDeadlineError,
  InferenceOverloadedError,
  InferenceRequestError,
  InferenceUnavailableError,
} from '@rstar-fleet/inference';
import { PortError } from '@rstar-fleet/mcts';
import { ContextOverflowError, InvalidInputError } from '@rstar-fleet/protocol';
import { SandboxCallError } from '@rstar-fleet/protocol/sandbox';
import { isAvailabilityError } from './availability';
import { OutageBudgetExceededError } from './outage-budget-exceeded-error';

const site = { endpoint: 'sim', role: 'policy' };
/** gRPC status numbers (the package does not depend on grpc-js itself). */
const GrpcStatus = { INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, UNAVAILABLE: 14 } as const;

describe('isAvailabilityError', () => {
  it.each([
    ['inference unavailable', new InferenceUnavailableError(site, 'connection refused')],
    ['inference deadline', new InferenceDeadlineError(site, 1000)],
    ['inference overloaded', new InferenceOverloadedError(site, '429')],
    [
      'sandbox unavailable',
      new SandboxCallError('UNAVAILABLE', GrpcStatus.UNAVAILABLE, 'down', undefined),
    ],
    [
      'sandbox deadline',
      new SandboxCallError('DEADLINE_EXCEEDED', GrpcStatus.DEADLINE_EXCEEDED, 'slow', undefined),
    ],
    [
      'a refused socket',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    ],
  ])('retries %s, also when the engine wrapped it in a PortError', (_, cause) => {
    expect(isAvailabilityError(cause)).toBe(true);
    expect(isAvailabilityError(new PortError('policy', 'expand failed', { cause }))).toBe(true);
  });

  it.each([
    ['a bad request', new InferenceRequestError(site, 400, 'bad')],
    ['a context overflow', new ContextOverflowError('too long')],
    ['bad input', new InvalidInputError('bad')],
    [
      'a sandbox request error',
      new SandboxCallError('INVALID_ARGUMENT', GrpcStatus.INVALID_ARGUMENT, 'empty', undefined),
    ],
    ['a contract violation', new PortError('policy', 'contract violated', { code: 'INTERNAL' })],
    ['a plain error', new Error('boom')],
    [
      'a spent outage budget (a call waited it out already)',
      new PortError('policy', 'expand failed', {
        cause: new OutageBudgetExceededError('down for 600000 ms', {
          cause: new InferenceUnavailableError(site, 'connection refused'),
        }),
      }),
    ],
  ])('does not retry %s', (_, err) => {
    expect(isAvailabilityError(err)).toBe(false);
  });

  it('survives a cause cycle', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(isAvailabilityError(a)).toBe(false);
  });
});

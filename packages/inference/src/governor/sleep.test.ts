import { InferenceCancelledError } from '../errors';
import { abortReason, sleep } from './sleep';

describe('abortReason', () => {
  it('keeps an Error reason, and types any other reason as a cancellation with it as the cause', async () => {
    const why = new Error('search pruned');
    expect(abortReason(AbortSignal.abort(why))).toBe(why);
    const shutdown = AbortSignal.abort('shutting down');
    const err = abortReason(shutdown);
    expect(err).toBeInstanceOf(InferenceCancelledError);
    expect(err).toMatchObject({ code: 'CANCELLED', cause: 'shutting down' });
    await expect(sleep(60_000, shutdown)).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

import { InferenceCancelledError } from '../errors';

/** The abort reason as an Error (a signal may be aborted with any value: then it is the cause). */
export function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error
    ? reason
    : new InferenceCancelledError('inference request cancelled', { cause: reason });
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts (a cancelled retry stops). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

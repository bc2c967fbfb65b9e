import { RstarError } from '@rstar-fleet/protocol';

/**
 * Resolves as `work` does, or rejects with DEADLINE_EXCEEDED (`<what>: no answer within N ms`)
 * after `ms`. The work itself is not stopped (a Redis command may still land later); its late
 * rejection is swallowed so it never surfaces as unhandled.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new RstarError('DEADLINE_EXCEEDED', `${what}: no answer within ${ms} ms`)),
      ms,
    );
    timer.unref();
  });
  work.catch(() => undefined);
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * Memoises an async read for `ttlMs`: what a gauge's collect() calls, so that frequent scrapes
 * (several Prometheus replicas, a dashboard refresh) cost one read per period. Concurrent calls
 * share the read in flight; a failed read is not cached.
 */
export function cachedRead<T>(
  read: () => Promise<T>,
  ttlMs: number,
  now = Date.now,
): () => Promise<T> {
  let value: { at: number; data: T } | undefined;
  let inFlight: Promise<T> | undefined;
  return () => {
    if (value !== undefined && now() - value.at < ttlMs) return Promise.resolve(value.data);
    inFlight ??= read().then(
      (data) => {
        value = { at: now(), data };
        inFlight = undefined;
        return data;
      },
      (err: unknown) => {
        inFlight = undefined;
        throw err;
      },
    );
    return inFlight;
  };
}

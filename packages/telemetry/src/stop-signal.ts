/** The signals that ask a service to stop (Ctrl-C, `kill`, Kubernetes ending a pod). */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Calls `onSignal` for every SIGINT or SIGTERM with how many arrived so far (1 for the first),
 * instead of letting the default handler kill the process mid-shutdown. Returns the function that
 * removes the listeners.
 */
export function watchStopSignals(
  onSignal: (signal: NodeJS.Signals, count: number) => void,
): () => void {
  let count = 0;
  const listener = (signal: NodeJS.Signals): void => onSignal(signal, ++count);
  for (const signal of STOP_SIGNALS) process.on(signal, listener);
  return () => {
    for (const signal of STOP_SIGNALS) process.off(signal, listener);
  };
}

/**
 * Resolves with the first SIGINT or SIGTERM. Later signals, while the service's bounded shutdown
 * runs, are passed to `onRepeat` (e.g. logged) instead of killing the process mid-shutdown.
 */
export function waitForStopSignal(
  onRepeat: (signal: NodeJS.Signals) => void = () => {},
): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    watchStopSignals((signal, count) => (count === 1 ? resolve(signal) : onRepeat(signal)));
  });
}

/**
 * Resolves with the first SIGINT or SIGTERM. Later signals, while the service's bounded shutdown
 * runs, are passed to `onRepeat` (e.g. logged) instead of killing the process mid-shutdown.
 */
export function waitForStopSignal(
  onRepeat: (signal: NodeJS.Signals) => void = () => {},
): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.on('SIGINT', onRepeat);
      process.on('SIGTERM', onRepeat);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

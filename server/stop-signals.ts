/**
 * How the server hears that it should stop (SIGTERM, SIGINT), with close-with-grace doing the drain.
 */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
/** A repeat within this long is the same stop delivered twice, not a request to force one (ms). */
const REPEATED_SIGNAL_MS = 2_000;

/**
 * Calls `stop` on the first SIGTERM or SIGINT. `npm start` under a process-group kill (systemd's
 * default, `kill -- -pgid`) delivers the signal twice, once directly and once forwarded by npm:
 * that second copy must not cut the drain short. A signal again later forces the exit (`exit(1)`).
 * Answers a function that removes the handlers.
 */
export function onStopSignal(stop: (signal: NodeJS.Signals) => void, exit: (code: number) => void = process.exit): () => void {
  let first: number | undefined;
  const handle = (signal: NodeJS.Signals) => {
    if (first === undefined) {
      first = Date.now();
      return stop(signal);
    }
    if (Date.now() - first < REPEATED_SIGNAL_MS) return;
    console.error(`second ${signal}, exiting`);
    exit(1);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, handle);
  return () => {
    for (const signal of STOP_SIGNALS) process.off(signal, handle);
  };
}

/** Process exit codes of the `kdlab` CLI. */
export const EXIT = {
  /** Everything ran. */
  ok: 0,
  /** A run failed (ended FAILED). */
  runFailed: 1,
  /** The experiment, an option or an input was invalid; nothing trained. */
  invalidInput: 2,
  /** Interrupted by Ctrl-C (SIGINT); the run in progress ended KILLED. */
  interrupted: 130,
  /** Terminated by SIGTERM (`timeout`, a scheduler); the run in progress ended KILLED. */
  terminated: 143,
} as const;

/**
 * The exit code after a signal stopped the runs: 130 for SIGINT, 143 for SIGTERM (128 + the signal's
 * number, as shells report it).
 *
 * @param signal - The signal received.
 */
export function exitCodeForSignal(signal: 'SIGINT' | 'SIGTERM'): number {
  return signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
}

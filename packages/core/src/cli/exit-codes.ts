/** Process exit codes of the `kdlab` CLI. */
export const EXIT = {
  /** Everything ran. */
  ok: 0,
  /** A run failed (ended FAILED). */
  runFailed: 1,
  /** The experiment, an option or an input was invalid; nothing trained. */
  invalidInput: 2,
  /** Interrupted by Ctrl-C; the run in progress ended KILLED. */
  interrupted: 130,
} as const;

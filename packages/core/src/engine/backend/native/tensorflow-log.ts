/** kdlab's variable to show what the TensorFlow C library prints as it starts (`KDLAB_TF_LOG=1`). */
export const TF_LOG_VARIABLE = 'KDLAB_TF_LOG';

/** TensorFlow's own log-level variable: 0 shows everything, 1 hides INFO, 2 hides WARNING too, 3 hides ERROR too. */
export const TF_MIN_LOG_LEVEL_VARIABLE = 'TF_CPP_MIN_LOG_LEVEL';

/** The level kdlab sets when nobody asked for TensorFlow's messages: INFO hidden. */
export const QUIET_TF_MIN_LOG_LEVEL = '1';

/**
 * Whether TensorFlow's messages are wanted: `KDLAB_TF_LOG` is set to anything but `0` or `false`, or
 * `TF_CPP_MIN_LOG_LEVEL` is `0`.
 *
 * @param env - The environment (default `process.env`).
 */
export function tensorflowLogWanted(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const asked = env[TF_LOG_VARIABLE]?.trim().toLowerCase();
  if (asked !== undefined && asked !== '' && asked !== '0' && asked !== 'false') return true;
  return env[TF_MIN_LOG_LEVEL_VARIABLE]?.trim() === '0';
}

/**
 * Sets `TF_CPP_MIN_LOG_LEVEL` to hide TensorFlow's INFO messages, unless they are wanted (see
 * {@link tensorflowLogWanted}) or the variable is already set. It must be in the environment before the
 * TensorFlow C library loads; worker processes inherit it.
 *
 * @param env - The environment to change (default `process.env`).
 */
export function quietTensorFlow(env: Record<string, string | undefined> = process.env): void {
  if (!tensorflowLogWanted(env)) env[TF_MIN_LOG_LEVEL_VARIABLE] ??= QUIET_TF_MIN_LOG_LEVEL;
}

/** absl's note that it logs to stderr until initialised (printed before TensorFlow reads its log level). */
const ABSL_PREAMBLE = /^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR\s*$/;

/**
 * An INFO line in absl's format, `I<MMDD> <hh:mm:ss.us> <thread> <file>:<line>] ...`; before absl is
 * initialised the time is seconds since the epoch: `I0000 00:00:1796545672.914223   21703 port.cc:153] ...`.
 */
const ABSL_INFO_LINE = /^I\d{4} \d{2}:\d{2}:\d+\.\d+\s+\d+ [^\s\]]+:\d+\] /;

/**
 * Whether a line of stderr is TensorFlow's start-up chatter that `TF_CPP_MIN_LOG_LEVEL` cannot hide:
 * TensorFlow 2.21's C library prints absl's preamble and an INFO line (the oneDNN notice) while it
 * loads, before it reads its log level. Warnings and errors are never taken for chatter.
 *
 * @param line - One line, without its newline.
 */
export function isTensorFlowStartupChatter(line: string): boolean {
  return ABSL_PREAMBLE.test(line) || ABSL_INFO_LINE.test(line);
}

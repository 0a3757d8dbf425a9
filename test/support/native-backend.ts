import { selectBackend } from '@kdlab/core';

/**
 * Selects tfjs-node (an optional backend, built by `kdlab native build`) with 1 intra-op thread for a
 * test file, and answers why it cannot be used: the first line of the error, or undefined when it is
 * there. Says `<what>: skipped (<why>)` on the console when it is not, so that a run without it shows
 * which tests skipped.
 *
 * @param what - what the skipped tests check, for the message.
 */
export async function nativeBackendUnavailable(what: string): Promise<string | undefined> {
  const reason = await selectBackend('node', undefined, { threads: 1 }).then(
    () => undefined,
    (error: Error) => error.message.split('\n')[0],
  );
  if (reason !== undefined) console.log(`${what}: skipped (${reason})`);
  return reason;
}

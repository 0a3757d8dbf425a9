/** A failure of a `kdlab` command, with the exit code it maps to (see `EXIT`). */
export class CliFailure extends Error {
  /**
   * @param message - what went wrong, printed after the command's name.
   * @param exitCode - the process's exit code.
   */
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

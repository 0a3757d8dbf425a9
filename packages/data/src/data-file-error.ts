/**
 * A data file that exists but cannot be used: wrong magic number, truncated, inconsistent with its
 * partner file. The message names the file and what is wrong with it.
 */
export class DataFileError extends Error {
  /** The file (or `archive:member`) that is wrong. */
  readonly file: string;
  /** What is wrong with it, without the file name. */
  readonly problem: string;

  /**
   * @param file - the path of the offending file (or `archive:member` for a member of a tar archive).
   * @param problem - what is wrong, e.g. `magic number is 0x00000801, expected 0x00000803 (idx images)`.
   */
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'DataFileError';
    this.file = file;
    this.problem = problem;
  }
}

/** One problem found in an experiment: where (a dotted path, as `--set` takes it) and what. */
export interface ExperimentIssue {
  /** Dotted path of the field, e.g. `losses.1.temperature`; empty for the whole experiment. */
  path: string;
  /** What was wrong and what was expected. */
  message: string;
}

/** Formats a path as written in `--set` (`losses.1.temperature`). */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((part) => String(part)).join('.');
}

/** An invalid experiment: every problem, each with its field path. The CLI exits with code 2. */
export class ExperimentValidationError extends Error {
  /** @param source - the experiment file (or other origin). @param issues - every problem found. */
  constructor(
    readonly source: string,
    readonly issues: readonly ExperimentIssue[],
  ) {
    super(
      `${source}: invalid experiment (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((issue) => `  - ${issue.path || '(experiment)'}: ${issue.message}`).join('\n'),
    );
    this.name = 'ExperimentValidationError';
  }
}

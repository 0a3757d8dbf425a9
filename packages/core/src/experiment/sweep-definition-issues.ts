import { experimentSchema } from './experiment-schema.js';
import { formatPath, type ExperimentIssue } from './validation-error.js';

/**
 * The problems of an experiment's `sweep` grid and `seeds` list, as written (before the sweep is
 * expanded into trials, which drops both): a swept path without values, or an empty seed list, would
 * otherwise expand into no trial at all. Paths are given as `sweep.<swept path>` and `seeds`.
 *
 * @param raw - The experiment as written, overrides applied.
 */
export function sweepDefinitionIssues(raw: unknown): ExperimentIssue[] {
  if (typeof raw !== 'object' || raw === null) return [];
  const issues: ExperimentIssue[] = [];
  for (const field of ['sweep', 'seeds'] as const) {
    const parsed = experimentSchema.shape[field].safeParse((raw as Record<string, unknown>)[field]);
    if (!parsed.success) issues.push(...parsed.error.issues.map((issue) => ({ path: formatPath([field, ...issue.path]), message: issue.message })));
  }
  return issues;
}

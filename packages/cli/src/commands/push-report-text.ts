import type { PushOutcome, PushReport } from '@kdlab/tracking';
import type { UnknownReference } from '@kdlab/tracking';

function runLabel(outcome: PushOutcome): string {
  const neededBy = outcome.neededBy === undefined ? '' : `, named by run ${outcome.neededBy}`;
  return `${outcome.experimentName} / ${outcome.runName} (${outcome.localRunId}${neededBy})`;
}

/**
 * The line `kdlab push` prints for one run's outcome; `undefined` for a run already on the server
 * (counted in the summary only).
 *
 * @param outcome - What happened to the run.
 */
export function formatPushOutcome(outcome: PushOutcome): string | undefined {
  switch (outcome.kind) {
    case 'copied': {
      const how = outcome.origin === 'resumed' ? ', finishing an interrupted copy' : outcome.origin === 'found' ? ', completing the copy found by its kdlab.source_run_id tag' : '';
      return (
        `copied ${runLabel(outcome)} -> ${outcome.serverRunId}: ${outcome.params} params, ${outcome.tags} tags, ` +
        `${outcome.metricValues} metric values, ${outcome.artifacts} artifacts${how}`
      );
    }
    case 'already-pushed':
      return undefined;
    case 'skipped':
      return `skipped ${runLabel(outcome)}: ${outcome.reason}`;
    case 'failed':
      return `failed to copy ${runLabel(outcome)}: ${outcome.error}`;
    case 'not-attempted':
      return `not attempted ${runLabel(outcome)}: ${outcome.reason}`;
    case 'would-copy':
      return `would copy ${runLabel(outcome)}`;
    case 'would-resume':
      return `would finish copying ${runLabel(outcome)} -> ${outcome.serverRunId}`;
  }
}

/**
 * The warning for a run id that a run's tags name but the store does not hold.
 *
 * @param reference - The run and the id it names.
 */
export function formatUnknownReference(reference: UnknownReference): string {
  return `run ${reference.runId} names run ${reference.referencedRunId}, which is not in the store: its tag keeps the local id`;
}

/**
 * The summary line of a push: runs copied, already on the server, skipped, failed.
 *
 * @param report - What the push did.
 */
export function formatPushSummary(report: PushReport): string {
  const count = (kind: PushOutcome['kind']): number => report.outcomes.filter((outcome) => outcome.kind === kind).length;
  const resumed = count('would-resume');
  const parts = report.dryRun
    ? [`${count('would-copy') + resumed} runs would be copied${resumed > 0 ? ` (${resumed} finishing an interrupted copy)` : ''}`]
    : [`${count('copied')} runs copied`];
  parts.push(`${count('already-pushed')} already on the server`, `${count('skipped')} skipped`);
  if (!report.dryRun) parts.push(`${count('failed')} failed`, `${count('not-attempted')} not attempted`);
  return `${parts.join(', ')}.\n`;
}

import { Command } from 'commander';
import { syncJournals, type JournalSyncResult, type SyncReport } from '../../tracking/remote/sync-journals.js';
import { EXIT } from '../exit-codes.js';

/** Options of `kdlab sync`. */
interface SyncCommandOptions {
  journalDir?: string;
  trackingUri?: string;
  keep?: boolean;
  includeOtherHosts?: boolean;
}

/** The `kdlab sync` command: replays pending tracking journals to the MLflow server. */
export function syncCommand(): Command {
  return new Command('sync')
    .description(
      'Send what runs journaled but never got to the MLflow server (server down, process killed), and end KILLED the runs their dead process left RUNNING',
    )
    .option('--journal-dir <dir>', 'the journal folder (default: $KDLAB_JOURNAL_DIR or .kdlab/journal)')
    .option('--tracking-uri <uri>', 'the MLflow server to send to (default: the one each journal was written for)')
    .option('--keep', 'keep journals once everything in them is on the server (default: delete them)')
    .option('--include-other-hosts', 'also replay journals written on another host (their process cannot be checked from here)')
    .action(async (options: SyncCommandOptions) => {
      const report = await syncJournals({
        ...(options.journalDir !== undefined ? { journalDir: options.journalDir } : {}),
        ...(options.trackingUri !== undefined ? { trackingUri: options.trackingUri } : {}),
        keepJournals: options.keep === true,
        includeOtherHosts: options.includeOtherHosts === true,
        onWarning: (message) => process.stderr.write(`kdlab sync: ${message}\n`),
      });
      process.stdout.write(formatSyncReport(report));
      process.exitCode = report.journals.some((journal) => journal.outcome === 'server-unavailable' || journal.outcome === 'unreadable')
        ? EXIT.runFailed
        : EXIT.ok;
    });
}

/**
 * What `kdlab sync` prints: one paragraph per journal saying what was sent where, which runs were
 * ended KILLED, and what was left alone or left over.
 *
 * @param report - What {@link syncJournals} did.
 */
export function formatSyncReport(report: SyncReport): string {
  if (report.journals.length === 0) return `No journals in ${report.journalDir}: nothing to send.\n`;
  return `${report.journals.map(formatJournal).join('')}${summaryLine(report)}`;
}

function formatJournal(result: JournalSyncResult): string {
  const lines = [`${result.file}: ${result.outcome}${result.trackingUri ? ` (${result.trackingUri})` : ''}`];
  if (result.detail !== undefined) lines.push(`  ${result.detail}`);
  if (result.callsSent > 0 || result.runsCreated > 0) {
    lines.push(
      `  sent ${result.callsSent} calls: ${result.runsCreated} runs created, ${result.paramsSent} params, ${result.tagsSent} tags, ` +
        `${result.metricsSent} metric values, ${result.artifactsSent} artifacts`,
    );
  }
  const ended = Object.entries(result.runsEnded).map(([status, count]) => `${count} ${status}`);
  if (ended.length > 0) lines.push(`  runs ended: ${ended.join(', ')}`);
  if (result.runsKilled.length > 0) lines.push(`  ended KILLED (their process died while they ran): ${result.runsKilled.join(', ')}`);
  for (const refused of result.rejected) lines.push(`  refused by the server, dropped: call ${refused.seq}: ${refused.error}`);
  if (result.pendingLeft > 0) lines.push(`  ${result.pendingLeft} calls still to send: run kdlab sync again once the server answers`);
  return `${lines.join('\n')}\n`;
}

function summaryLine(report: SyncReport): string {
  const synced = report.journals.filter((journal) => journal.outcome === 'synced').length;
  const calls = report.journals.reduce((sum, journal) => sum + journal.callsSent, 0);
  return `${synced} of ${report.journals.length} journals synced, ${calls} calls sent.\n`;
}

import { statSync } from 'node:fs';
import { Command } from 'commander';
import { DEFAULT_LOCAL_STORE } from '@kdlab/report';
import { parseFileTrackingUri } from '@kdlab/tracking';
import { syncJournals, type JournalSyncResult, type SyncReport } from '@kdlab/tracking';
import { endRunsLeftByGoneProcesses } from '../end-gone-runs-notes.js';
import { EXIT } from '../exit-codes.js';

/** Options of `kdlab sync`. */
interface SyncCommandOptions {
  journalDir?: string;
  trackingUri?: string;
  keep?: boolean;
  includeOtherHosts?: boolean;
}

/**
 * The local store `kdlab sync` ends the runs of dead processes in: `--tracking-uri` when it names a
 * folder, else `MLFLOW_TRACKING_URI` when it does, else `./mlruns`; undefined when the runs go to a
 * server. Its path, and how to name it.
 */
function localStoreOf(trackingUri: string | undefined): { root: string; description: string } | undefined {
  const uri = trackingUri ?? process.env['MLFLOW_TRACKING_URI'];
  const isServer = (value: string | undefined): boolean => value !== undefined && /^https?:\/\//i.test(value);
  if (isServer(trackingUri)) return undefined;
  if (trackingUri !== undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(trackingUri) && !/^file:/i.test(trackingUri)) {
    throw new Error(`--tracking-uri '${trackingUri}': expected an http(s):// MLflow server, a folder or a file: URI.`);
  }
  const location = uri === undefined || uri.trim() === '' || isServer(uri) ? DEFAULT_LOCAL_STORE : uri;
  return { root: parseFileTrackingUri(location), description: location };
}

async function syncAction(options: SyncCommandOptions): Promise<number> {
  let store: ReturnType<typeof localStoreOf>;
  try {
    store = localStoreOf(options.trackingUri);
  } catch (error) {
    process.stderr.write(`kdlab sync: ${(error as Error).message}\n`);
    return EXIT.invalidInput;
  }
  let report: SyncReport;
  try {
    report = await syncJournals({
      ...(options.journalDir !== undefined ? { journalDir: options.journalDir } : {}),
      ...(options.trackingUri !== undefined && store === undefined ? { trackingUri: options.trackingUri } : {}),
      keepJournals: options.keep === true,
      includeOtherHosts: options.includeOtherHosts === true,
      onWarning: (message) => process.stderr.write(`kdlab sync: ${message}\n`),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') {
      process.stderr.write(`kdlab sync: the journal folder ${(error as NodeJS.ErrnoException).path ?? options.journalDir} is a file, not a folder.\n`);
      return EXIT.invalidInput;
    }
    process.stderr.write(`kdlab sync: ${(error as Error).message.split('\n')[0]}\n`);
    return (error as Error).name === 'MlflowConfigError' ? EXIT.invalidInput : EXIT.runFailed;
  }
  process.stdout.write(formatSyncReport(report));
  if (store !== undefined && statSync(store.root, { throwIfNoEntry: false })?.isDirectory() === true) {
    const lines = await endRunsLeftByGoneProcesses({ localRoot: store.root, description: store.description });
    process.stdout.write(lines.length > 0 ? lines.map((line) => `${line}\n`).join('') : `No run of ${store.description} was left RUNNING by a process that is gone.\n`);
  }
  return report.journals.some((journal) => journal.outcome === 'server-unavailable' || journal.outcome === 'unreadable') ? EXIT.runFailed : EXIT.ok;
}

/**
 * The `kdlab sync` command: replays pending tracking journals to the MLflow server, and ends KILLED the
 * runs that dead processes left RUNNING, there and in the local store.
 */
export function syncCommand(): Command {
  return new Command('sync')
    .description(
      'Send what runs journaled but never got to the MLflow server (server down, process killed), and end KILLED the runs their dead process left RUNNING, on the server and in the local store',
    )
    .option('--journal-dir <dir>', 'the journal folder (default: $KDLAB_JOURNAL_DIR or .kdlab/journal)')
    .option(
      '--tracking-uri <uri>',
      'the MLflow server to send to (default: the one each journal was written for), or the local store whose dead runs to end (default: $MLFLOW_TRACKING_URI when it is a folder, else ./mlruns)',
    )
    .option('--keep', 'keep journals once everything in them is on the server (default: delete them)')
    .option('--include-other-hosts', 'also replay journals written on another host whose process still sends heartbeats')
    .action(async (options: SyncCommandOptions) => {
      process.exitCode = await syncAction(options);
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

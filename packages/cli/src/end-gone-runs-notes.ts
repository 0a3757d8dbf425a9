import { LocalRunSource } from '@kdlab/report';
import type { RunSource } from '@kdlab/report';
import { ServerRunSource } from '@kdlab/report';
import { endRunsOfGoneProcesses } from '@kdlab/tracking';
import { MlrunsTracker } from '@kdlab/tracking';
import { MlflowServerTracker } from '@kdlab/tracking';
import { syncJournals } from '@kdlab/tracking';
import type { Tracker } from '@kdlab/core';

/** A store whose runs left RUNNING by a process that is gone are to be ended. */
export type RunStoreLocation =
  | {
      /** Absolute path of a local MLflow store. */
      localRoot: string;
      /** How to name it in messages. */
      description: string;
    }
  | {
      /** The MLflow server (its URI without credentials, as the tracker names it). */
      server: string;
      /** The journal folder; default `KDLAB_JOURNAL_DIR`, else `.kdlab/journal`. */
      journalDir?: string;
    };

/**
 * Ends KILLED the runs that a process which is gone left RUNNING in a store, and says what was done,
 * in lines for the user (none when there was nothing to do). A local store's runs are ended at their
 * process's last heartbeat (see `endRunsOfGoneProcesses`); a server's, by replaying the journals that
 * dead processes left for that server (as `kdlab sync` does). Never throws: a failure is one line.
 *
 * @param location - The store (none: nothing to do).
 */
export async function endRunsLeftByGoneProcesses(location: RunStoreLocation | undefined): Promise<string[]> {
  if (location === undefined) return [];
  try {
    if ('localRoot' in location) {
      const ended = await endRunsOfGoneProcesses(location.localRoot);
      if (ended.length === 0) return [];
      const runs = ended.map((run) => `${run.runName} ${run.runId}`).join(', ');
      return [`ended KILLED ${ended.length} run${ended.length === 1 ? '' : 's'} of ${location.description} whose process is gone, at its last heartbeat: ${runs}`];
    }
    const report = await syncJournals({ forServer: location.server, ...(location.journalDir !== undefined ? { journalDir: location.journalDir } : {}) });
    const lines: string[] = [];
    for (const journal of report.journals) {
      if (journal.outcome === 'synced' && (journal.callsSent > 0 || journal.runsKilled.length > 0)) {
        const killed = journal.runsKilled.length > 0 ? `; ended KILLED: ${journal.runsKilled.join(', ')}` : '';
        lines.push(`replayed the journal a process that is gone left for ${location.server} (${journal.callsSent} calls)${killed}`);
      } else if (journal.outcome === 'server-unavailable') {
        lines.push(`could not replay ${journal.file}, left by a process that is gone: ${journal.detail ?? 'the server does not answer'} (\`kdlab sync\` sends it later)`);
      }
    }
    return lines;
  } catch (error) {
    return [`could not look for runs left RUNNING by a process that is gone: ${(error as Error).message.split('\n')[0]}`];
  }
}

/**
 * Where a tracker writes, as a {@link RunStoreLocation}; undefined for another kind of tracker.
 *
 * @param tracker - The tracker `createTracker` made.
 */
export function storeLocationOf(tracker: Tracker): RunStoreLocation | undefined {
  if (tracker instanceof MlrunsTracker) return { localRoot: tracker.root, description: tracker.description };
  if (tracker instanceof MlflowServerTracker) return { server: tracker.description, journalDir: tracker.journalDir };
  return undefined;
}

/**
 * Where a run source reads, as a {@link RunStoreLocation}; undefined for another kind of source.
 *
 * @param source - The source `openRunSource` made.
 */
export function storeLocationOfSource(source: RunSource): RunStoreLocation | undefined {
  if (source instanceof LocalRunSource) return { localRoot: source.root, description: source.description };
  if (source instanceof ServerRunSource) return { server: source.description };
  return undefined;
}

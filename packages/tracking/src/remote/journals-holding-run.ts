import type { SessionRecord } from '../journal/journal-records.js';
import { listJournalFiles } from '../journal/journal-location.js';
import { foldJournal, pendingCalls, runsLeftRunning } from '../journal/journal-state.js';
import { readJournal } from '../journal/read-journal.js';

/** A journal that still has business with a server run (see {@link journalsHoldingRun}). */
export interface JournalHoldingRun {
  /** The journal file. */
  file: string;
  /** Its header: the process that wrote it. */
  session: SessionRecord;
  /** How many of its calls of the run are not on the server yet. */
  pending: number;
  /** Whether it left the run RUNNING (started or resumed, never ended): a `kdlab sync` would end it KILLED. */
  leftRunning: boolean;
}

/**
 * The journals of a folder that still hold calls of server run `serverRunId` not yet sent, or that left
 * it RUNNING: the run's earlier process (alive, or gone with a journal `kdlab sync` has not replayed
 * yet). Resuming such a run now would put its old calls after the new ones (steps logged twice, out of
 * order) and, on replay, end the resumed run KILLED. Journals that cannot be read are passed over.
 *
 * @param journalDir - The journal folder.
 * @param serverRunId - The run's id on the server.
 * @param except - A journal to pass over (the caller's own).
 */
export async function journalsHoldingRun(journalDir: string, serverRunId: string, except?: string): Promise<JournalHoldingRun[]> {
  const holding: JournalHoldingRun[] = [];
  for (const file of await listJournalFiles(journalDir)) {
    if (file === except) continue;
    let contents;
    try {
      contents = await readJournal(file);
    } catch {
      continue;
    }
    const state = foldJournal(contents.records);
    const localIds = new Set([...state.created.values()].filter((created) => created.serverRunId === serverRunId).map((created) => created.run));
    if (localIds.size === 0) continue;
    const pending = pendingCalls(state).filter((call) => localIds.has(call.run)).length;
    const leftRunning = runsLeftRunning(state).some((run) => localIds.has(run));
    if (pending > 0 || leftRunning) holding.push({ file, session: contents.session, pending, leftRunning });
  }
  return holding;
}

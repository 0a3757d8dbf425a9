import { isCallRecord, type CallRecord, type CreatedRecord, type JournalRecord, type ResumeRecord, type StartRecord } from './journal-records.js';

/** What a journal says once its records are read in order. */
export interface JournalState {
  /** Every call, in order. */
  calls: CallRecord[];
  /** Every call up to this position is on the server or was refused for good (0: none). */
  doneThrough: number;
  /** Calls the server refused for good, by position, with the reason. */
  rejected: Map<number, string>;
  /** Server ids of the runs created so far (and of the runs resumed), by local id. */
  created: Map<string, CreatedRecord>;
  /** The `startRun` call of each run, by local id. */
  starts: Map<string, StartRecord>;
  /** The `resumeRun` call of each run reopened in this journal, by local id. */
  resumes: Map<string, ResumeRecord>;
  /** Local ids of the runs that were ended (by their owner or by a sync). */
  ended: Set<string>;
  /** When each run last had a call, in ms since the epoch, by local id. */
  lastActivity: Map<string, number>;
  /** Position of the last call (0: none). */
  lastSeq: number;
}

/**
 * Folds a journal's records into its state: the calls, what was acknowledged, refused or created.
 *
 * @param records - The records after the header, in order.
 */
export function foldJournal(records: readonly JournalRecord[]): JournalState {
  const state: JournalState = {
    calls: [],
    doneThrough: 0,
    rejected: new Map(),
    created: new Map(),
    starts: new Map(),
    resumes: new Map(),
    ended: new Set(),
    lastActivity: new Map(),
    lastSeq: 0,
  };
  for (const record of records) {
    if (isCallRecord(record)) {
      state.calls.push(record);
      state.lastSeq = Math.max(state.lastSeq, record.seq);
      state.lastActivity.set(record.run, Math.max(state.lastActivity.get(record.run) ?? 0, record.at));
      if (record.t === 'start') state.starts.set(record.run, record);
      if (record.t === 'resume') {
        state.resumes.set(record.run, record);
        const { run, serverRunId, experimentId, artifactUri } = record;
        state.created.set(run, { t: 'created', run, serverRunId, experimentId, artifactUri });
      }
      if (record.t === 'end' || record.t === 'handover') state.ended.add(record.run);
    } else if (record.t === 'created') {
      state.created.set(record.run, record);
    } else if (record.t === 'done') {
      state.doneThrough = Math.max(state.doneThrough, record.through);
    } else if (record.t === 'rejected') {
      state.rejected.set(record.seq, record.error);
    }
  }
  return state;
}

/** The calls not yet on the server, in order. */
export function pendingCalls(state: JournalState): CallRecord[] {
  return state.calls.filter((call) => call.seq > state.doneThrough);
}

/** Local ids of the runs that were started (or resumed) and never ended. */
export function runsLeftRunning(state: JournalState): string[] {
  return [...state.starts.keys(), ...state.resumes.keys()].filter((run) => !state.ended.has(run));
}

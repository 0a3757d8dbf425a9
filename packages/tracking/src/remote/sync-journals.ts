import { MlflowClient, type MlflowClientOptions } from '@kdlab/mlflow';
import type { CallRecord, CreatedRecord } from '../journal/journal-records.js';
import type { RunStatus } from '@kdlab/core';
import { rm } from 'node:fs/promises';
import { listJournalFiles, livenessFileOf, resolveJournalDir } from '../journal/journal-location.js';
import { lockJournal } from '../journal/journal-lock.js';
import { JournalWriter } from '../journal/journal-writer.js';
import { foldJournal, pendingCalls, runsLeftRunning, type JournalState } from '../journal/journal-state.js';
import { goneReason, readLivenessRecord } from '../liveness/liveness-record.js';
import { writerLiveness } from '../liveness/process-liveness.js';
import { readJournal, type JournalContents } from '../journal/read-journal.js';
import { SessionJournal } from '../journal/session-journal.js';
import { BackgroundFlusher } from './background-flusher.js';
import { CallDelivery } from './call-delivery.js';
import { describeFailure } from './server-unavailable.js';

/** What `kdlab sync` replays, and where to. */
export interface SyncJournalsOptions {
  /** The journal folder; default `KDLAB_JOURNAL_DIR`, else `.kdlab/journal` in `cwd`. */
  journalDir?: string;
  /** What a relative journal folder is resolved against; defaults to the process's folder. */
  cwd?: string;
  /** The server to send to; default the one each journal was written for. */
  trackingUri?: string;
  /** Client settings (credentials, retries); unset ones come from the `MLFLOW_*` variables. */
  client?: Omit<MlflowClientOptions, 'trackingUri'>;
  /** Where `KDLAB_JOURNAL_DIR` and the `MLFLOW_*` variables are read; defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Keep journals once everything in them is on the server, instead of deleting them. */
  keepJournals?: boolean;
  /** Also replay journals written on another host whose heartbeat is still fresh (their process cannot be checked from here). */
  includeOtherHosts?: boolean;
  /** Replay only the journals written for this server (its URI without credentials, as the tracker describes it); others are not listed. */
  forServer?: string;
  /** Where warnings go (refused calls, journal write failures); default: collected in the result only. */
  onWarning?: (message: string) => void;
}

/** How the replay of one journal ended. */
export type JournalSyncOutcome =
  /** Everything is on the server and every run has ended. */
  | 'synced'
  /** The process that writes it is still running: left alone. */
  | 'writer-alive'
  /** Written on another host whose process still sends heartbeats: left alone. */
  | 'other-host'
  /** Another `kdlab sync` is replaying it. */
  | 'locked'
  /** The server was unavailable; what was not sent stays in the journal. */
  | 'server-unavailable'
  /** The journal could not be read. */
  | 'unreadable';

/** A call the server refused for good during a replay. */
export interface RefusedCall {
  /** Its position in the journal. */
  seq: number;
  /** Why, as the server said it. */
  error: string;
}

/** What the replay of one journal did. */
export interface JournalSyncResult {
  /** The journal file. */
  file: string;
  /** How it ended. */
  outcome: JournalSyncOutcome;
  /** Why, for every outcome but `synced`. */
  detail?: string;
  /** The server it was sent to (without credentials), when it was read. */
  trackingUri?: string;
  /** Runs created on the server by this replay. */
  runsCreated: number;
  /** Server ids of runs this replay ended KILLED because their process died with them RUNNING. */
  runsKilled: string[];
  /** Runs whose end this replay sent, by final status (those ended KILLED here included). */
  runsEnded: Partial<Record<RunStatus, number>>;
  /** Calls sent. */
  callsSent: number;
  /** Metric values sent. */
  metricsSent: number;
  /** Params sent. */
  paramsSent: number;
  /** Tags sent (run starts not counted). */
  tagsSent: number;
  /** Artifacts uploaded. */
  artifactsSent: number;
  /** Calls the server refused for good, with the reason. */
  rejected: RefusedCall[];
  /** Calls still not on the server afterwards. */
  pendingLeft: number;
}

/** What `kdlab sync` did to each journal of the folder. */
export interface SyncReport {
  /** The journal folder. */
  journalDir: string;
  /** One result per journal, oldest first. */
  journals: JournalSyncResult[];
}

/**
 * Replays every pending journal of a folder to the MLflow server, in order: runs the server never
 * saw are created (or, when an interrupted attempt had created one, found and reused), calls not
 * acknowledged are sent (re-sending is harmless: metrics keep their timestamps and are de-duplicated,
 * params keep their values), and each is acknowledged in the journal. A run whose process died
 * while the run was RUNNING is ended KILLED, at the time its process was last seen alive (its last
 * journaled call, or the writer's last heartbeat if later). The writer is taken for dead when no
 * process of this host has its id and start time (a reused pid is not mistaken for it), or, on
 * another host, when its heartbeat is older than 10 minutes; journals whose process still runs are
 * left alone. A journal with nothing left to send is deleted, with its liveness record.
 *
 * @param options - The folder, server and credentials.
 */
export async function syncJournals(options: SyncJournalsOptions = {}): Promise<SyncReport> {
  const env = options.env ?? process.env;
  const journalDir = resolveJournalDir({ journalDir: options.journalDir, cwd: options.cwd, env });
  const clients = new Map<string, MlflowClient>();
  const clientFor = (trackingUri: string): MlflowClient => {
    let client = clients.get(trackingUri);
    if (client === undefined) {
      client = new MlflowClient({ env, ...options.client, trackingUri });
      clients.set(trackingUri, client);
    }
    return client;
  };
  const journals: JournalSyncResult[] = [];
  try {
    for (const file of await listJournalFiles(journalDir)) {
      const result = await syncJournal(file, options, clientFor);
      if (result !== undefined) journals.push(result);
    }
  } finally {
    await Promise.all([...clients.values()].map((client) => client.close()));
  }
  return { journalDir, journals };
}

async function syncJournal(file: string, options: SyncJournalsOptions, clientFor: (uri: string) => MlflowClient): Promise<JournalSyncResult | undefined> {
  const result = emptyResult(file);
  let contents: JournalContents;
  try {
    contents = await readJournal(file);
  } catch (error) {
    return options.forServer !== undefined ? undefined : { ...result, outcome: 'unreadable', detail: (error as Error).message };
  }
  const { session } = contents;
  if (options.forServer !== undefined && session.trackingUri !== options.forServer) return undefined;
  // The writer's liveness record (its heartbeat) when it has one; else the header's pid, host and start time.
  const found = await readLivenessRecord(livenessFileOf(file));
  const record = found !== undefined && found.pid === session.pid && found.host === session.host ? found : undefined;
  const liveness = writerLiveness(session.pid, session.host, session);
  const gone = record !== undefined ? goneReason(record) !== undefined : liveness === 'dead';
  if (!gone && liveness !== 'other-host') {
    return { ...result, outcome: 'writer-alive', detail: `process ${session.pid} on ${session.host} is still running and writing it` };
  }
  if (!gone && options.includeOtherHosts !== true) {
    const heartbeat = record !== undefined ? `, whose last heartbeat was ${Math.round((Date.now() - record.heartbeatAt) / 1000)} s ago` : ', which cannot be checked from here';
    return { ...result, outcome: 'other-host', detail: `written by process ${session.pid} on host ${session.host}${heartbeat}` };
  }
  const lock = lockJournal(file);
  if (lock === undefined) return { ...result, outcome: 'locked', detail: 'another kdlab sync is replaying it' };
  try {
    const client = clientFor(options.trackingUri ?? session.trackingUri);
    const synced = await replay(contents, foldJournal(contents.records), record?.heartbeatAt, client, options, { ...result, trackingUri: client.trackingUri });
    if (synced.outcome === 'synced') await rm(livenessFileOf(file), { force: true });
    return synced;
  } finally {
    lock.release();
  }
}

async function replay(
  contents: JournalContents,
  state: JournalState,
  lastHeartbeat: number | undefined,
  client: MlflowClient,
  options: SyncJournalsOptions,
  result: JournalSyncResult,
): Promise<JournalSyncResult> {
  const warn = options.onWarning ?? (() => undefined);
  const journal = new SessionJournal(JournalWriter.reopen(contents.file), state.lastSeq, warn);
  const pending = pendingCalls(state);
  // A run whose start (or resume) the server refused is not RUNNING there: it gets no end.
  const opening = [...state.starts.values(), ...state.resumes.values()];
  const refusedStarts = new Set(opening.filter((call) => state.rejected.has(call.seq)).map((call) => call.run));
  for (const run of runsLeftRunning(state).filter((id) => !refusedStarts.has(id))) {
    // Ended when its process was last seen alive: its last call, or the writer's last heartbeat if later.
    const endTime = Math.max(state.lastActivity.get(run) ?? contents.session.startedAt, lastHeartbeat ?? 0);
    pending.push(journal.appendCall({ t: 'end', run, status: 'KILLED', endTime, by: 'sync' }));
  }
  const created = new Map<string, CreatedRecord>(state.created);
  const delivery = new CallDelivery({
    client,
    journalFile: contents.file,
    created,
    onCreated: (record) => {
      result.runsCreated += 1;
      journal.acknowledge(record);
    },
    adoptExistingRuns: true,
  });
  let failure: unknown;
  const flusher = new BackgroundFlusher({
    deliver: (group) => {
      journal.writePending();
      return delivery.deliver(group);
    },
    onDone: (group) => {
      journal.acknowledge({ t: 'done', through: group[group.length - 1]!.seq });
      for (const call of group) if (!result.rejected.some((refused) => refused.seq === call.seq)) count(result, call, created);
    },
    onRejected: (call, error) => {
      const reason = describeFailure(error);
      result.rejected.push({ seq: call.seq, error: reason });
      journal.acknowledge({ t: 'rejected', seq: call.seq, error: reason });
      warn(`${contents.file}: the server refused the '${call.t}' call ${call.seq}; it is dropped: ${reason}`);
    },
    onUnavailable: (error) => {
      failure = error;
    },
    onAvailable: () => undefined,
    batchDelayMs: 0,
    retryDelay: { initialMs: 60_000, maxMs: 60_000 },
    maxBatchItems: 5000,
  });
  for (const call of pending) flusher.enqueue(call);
  const outcome = await flusher.settle(journal.lastSeq);
  await flusher.stop();
  result.pendingLeft = flusher.pendingCount;
  if (outcome === 'delivered' && result.pendingLeft === 0) {
    if (options.keepJournals === true) await journal.close();
    else await journal.remove();
    return { ...result, outcome: 'synced' };
  }
  await journal.close();
  return { ...result, outcome: 'server-unavailable', detail: describeFailure(failure) };
}

function count(result: JournalSyncResult, call: CallRecord, created: Map<string, CreatedRecord>): void {
  result.callsSent += 1;
  if (call.t === 'metrics') result.metricsSent += call.metrics.length;
  else if (call.t === 'params') result.paramsSent += Object.keys(call.params).length;
  else if (call.t === 'tags') result.tagsSent += Object.keys(call.tags).length;
  else if (call.t === 'artifact') result.artifactsSent += 1;
  else if (call.t === 'end') {
    result.runsEnded[call.status] = (result.runsEnded[call.status] ?? 0) + 1;
    if (call.by === 'sync') result.runsKilled.push(created.get(call.run)?.serverRunId ?? call.run);
  }
}

function emptyResult(file: string): JournalSyncResult {
  return {
    file,
    outcome: 'synced',
    runsCreated: 0,
    runsKilled: [],
    runsEnded: {},
    callsSent: 0,
    metricsSent: 0,
    paramsSent: 0,
    tagsSent: 0,
    artifactsSent: 0,
    rejected: [],
    pendingLeft: 0,
  };
}

import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { MlflowClient, type MlflowClientOptions } from '@kdlab/mlflow';
import { JOURNAL_FORMAT_VERSION, type CallDraft, type CallRecord, type CreatedRecord } from '../journal/journal-records.js';
import { livenessFileOf, newJournalFileName, resolveJournalDir } from '../journal/journal-location.js';
import { JournalWriter, type JournalWriterOptions } from '../journal/journal-writer.js';
import { SessionJournal } from '../journal/session-journal.js';
import { Heartbeat } from '../liveness/heartbeat.js';
import { currentProcessIdentity } from '../liveness/process-identity.js';
import { namedRunTags, PARENT_RUN_TAG, USER_TAG } from '../mlruns/mlruns-tracker.js';
import { newRunId } from '../mlruns/new-ids.js';
import { RUN_ID_PATTERN } from '../mlruns/store-layout.js';
import { currentUserName } from '../standard-tags.js';
import type { FoundRun, ResumedRun, RunHandle, StartRunOptions, Tracker } from '@kdlab/core';
import { BackgroundFlusher, type RetryDelay } from './background-flusher.js';
import { CallDelivery } from './call-delivery.js';
import { checkedTags } from './checked-calls.js';
import { RemoteRunHandle, type RemoteRunRecorder } from './remote-run-handle.js';
import { journalsHoldingRun, type JournalHoldingRun } from './journals-holding-run.js';
import { fetchRunToResume } from './resume-remote-run.js';
import { describeFailure } from './server-unavailable.js';

/** How to reach the server, where to journal, and how eagerly to send. */
export interface MlflowServerTrackerOptions {
  /** The server, `http(s)://host:port[/prefix]`. User info in it is used as credentials and never shown. */
  trackingUri: string;
  /**
   * Client settings (credentials, TLS, retries, timeouts); unset ones come from `MLFLOW_TRACKING_TOKEN`,
   * `MLFLOW_TRACKING_USERNAME`, `MLFLOW_TRACKING_PASSWORD` and `MLFLOW_TRACKING_INSECURE_TLS`.
   */
  client?: Omit<MlflowClientOptions, 'trackingUri'>;
  /** The journal folder; default `KDLAB_JOURNAL_DIR`, else `.kdlab/journal` in `cwd`. */
  journalDir?: string;
  /** What a relative journal folder is resolved against; defaults to the process's folder. */
  cwd?: string;
  /** Where `KDLAB_JOURNAL_DIR` and the `MLFLOW_*` variables are read; defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** How long a call may wait for others to join its batch, in ms. Default 250. */
  batchDelayMs?: number;
  /** Longest time a call waits before it is written to the journal file, in ms (what a SIGKILL can lose). Default 20. */
  journalWriteDelayMs?: number;
  /** Longest time a journaled call may wait for its fsync, in ms. Default 200. */
  fsyncIntervalMs?: number;
  /** Back-off between attempts while the server is unavailable. Default 1 s doubling up to 60 s. */
  retryDelay?: Partial<RetryDelay>;
  /** Most params, tags and metrics merged into one batch (the client splits it to MLflow's limits). Default 5000. */
  maxBatchItems?: number;
  /** Keep the journal after a clean close (everything sent, every run ended) instead of deleting it. */
  keepCompletedJournal?: boolean;
  /** Where warnings go (server unavailable or back, calls refused); default standard error. */
  onWarning?: (message: string) => void;
  /** How long a delivery may go unanswered before the server is reported as not answering, in ms. Default 30 000. */
  slowAnswerMs?: number;
}

/**
 * A {@link Tracker} that sends runs to an MLflow tracking server, off the training step's path and
 * without losing anything:
 *
 * - every call is checked (as the local store checks it), appended to a journal on disk
 *   (`.kdlab/journal/<session>.jsonl`, one JSON line per call, written within `journalWriteDelayMs`
 *   and always before it is sent, fsync'd in batches) and returns at once;
 * - a background sender merges the calls into `runs/log-batch` requests and sends them in order,
 *   recording in the journal what the server acknowledged;
 * - when the server is unreachable or failing (after the client's retries), training goes on, calls
 *   keep being journaled, and the sender retries with back-off; when the server answers, the backlog
 *   goes out in order. A run started meanwhile gets its server id then (its handle's `runId` is its
 *   local id until that happens);
 * - what is still unsent when the process ends (or dies) stays in the journal for `kdlab sync`.
 *
 * Experiments are found by name or created. A run gets the same params, tags and metrics as
 * {@link MlrunsTracker} stores for the same calls.
 */
export class MlflowServerTracker implements Tracker {
  /** The server's URL, without credentials. */
  readonly description: string;
  /** Absolute path of the journal folder. */
  readonly journalDir: string;
  readonly #client: MlflowClient;
  readonly #warn: (message: string) => void;
  readonly #keepCompletedJournal: boolean;
  readonly #writerOptions: JournalWriterOptions;
  readonly #flusher: BackgroundFlusher;
  readonly #created = new Map<string, CreatedRecord>();
  readonly #rejected = new Map<number, string>();
  readonly #openRuns = new Set<string>();
  readonly #recorder: RemoteRunRecorder;
  /** Keeps the journal's liveness record fresh while this process writes it. */
  readonly #heartbeat = new Heartbeat();
  #journal: SessionJournal | undefined;
  #delivery: CallDelivery | undefined;
  /** Set while an outage is reported: how many calls were done since. */
  #doneSinceOutage: number | undefined;
  readonly #slowAnswerMs: number;
  #closed = false;

  /**
   * Sets up the client; nothing is written or sent until the first run starts.
   *
   * @param options - The server, credentials, journal folder and timing.
   * @throws MlflowConfigError naming a bad or missing setting (never its value when it is a credential).
   */
  constructor(options: MlflowServerTrackerOptions) {
    const env = options.env ?? process.env;
    this.#client = new MlflowClient({ env, ...options.client, trackingUri: options.trackingUri });
    this.description = this.#client.trackingUri;
    this.journalDir = resolveJournalDir({ journalDir: options.journalDir, cwd: options.cwd, env });
    this.#warn = options.onWarning ?? ((message) => process.stderr.write(`kdlab tracking: ${message}\n`));
    this.#keepCompletedJournal = options.keepCompletedJournal ?? false;
    this.#slowAnswerMs = options.slowAnswerMs ?? 30_000;
    this.#writerOptions = {
      ...(options.journalWriteDelayMs !== undefined ? { writeDelayMs: options.journalWriteDelayMs } : {}),
      ...(options.fsyncIntervalMs !== undefined ? { fsyncIntervalMs: options.fsyncIntervalMs } : {}),
    };
    this.#flusher = new BackgroundFlusher({
      deliver: async (group) => {
        this.#journal?.writePending();
        // A server that hangs is reported long before the client's timeouts and retries give up.
        const watchdog = setTimeout(() => this.#reportOutage(`no answer for ${this.#slowAnswerMs / 1000} s`), this.#slowAnswerMs).unref();
        try {
          await this.#delivery!.deliver(group);
        } finally {
          clearTimeout(watchdog);
        }
      },
      onDone: (group) => {
        this.#journal?.acknowledge({ t: 'done', through: group[group.length - 1]!.seq });
        this.#noteCatchingUp(group.length);
      },
      onRejected: (call, error) => this.#onRejected(call, error),
      onUnavailable: (error) => this.#reportOutage(describeFailure(error)),
      onAvailable: () => undefined,
      batchDelayMs: options.batchDelayMs ?? 250,
      retryDelay: { initialMs: options.retryDelay?.initialMs ?? 1000, maxMs: options.retryDelay?.maxMs ?? 60_000 },
      maxBatchItems: options.maxBatchItems ?? 5000,
    });
    this.#recorder = {
      record: (draft) => this.#record(draft),
      recordArtifact: (run, path, contents) => {
        if (this.#closed) throw new Error(`Tracker for '${this.description}' is closed: cannot store artifact '${path}' of run ${this.#created.get(run)?.serverRunId ?? run}.`);
        this.#flusher.enqueue(this.#openJournal().appendArtifact(run, path, contents));
      },
      serverIds: (localRunId) => this.#created.get(localRunId),
    };
  }

  /** The journal of this session, once a run has started. */
  get journalFile(): string | undefined {
    return this.#journal?.file;
  }

  /** How many journaled calls are not on the server yet. */
  get pendingCount(): number {
    return this.#flusher.pendingCount;
  }

  /**
   * Starts a run: checks and journals it, and, while the server is reachable, waits for the server
   * to create it (finding or creating the experiment by name), so that the handle carries the
   * server's run id. While the server is unavailable it returns at once with a local id.
   *
   * @param options - The experiment, run name, tags, parent and start time.
   * @throws Error for an empty run name, a bad tag key, contradicting run name or parent tags, a bad
   *   start time, a closed tracker, or a server that refuses the run (e.g. a deleted experiment).
   */
  async startRun(options: StartRunOptions): Promise<RunHandle> {
    if (this.#closed) throw new Error(`Tracker for '${this.description}' is closed: cannot start run '${options.runName}'.`);
    const { tags, parentRunId } = initialTags(options);
    const startTime = options.startTime ?? Date.now();
    if (!Number.isSafeInteger(startTime) || startTime < 0) {
      throw new Error(`Run '${options.runName}': startTime must be a non-negative integer (ms), got ${startTime}.`);
    }
    const fitted = checkedTags(`run '${options.runName}'`, tags);
    const run = newRunId();
    const start = this.#record({
      t: 'start',
      run,
      experimentName: options.experimentName,
      runName: options.runName,
      tags: fitted.values,
      ...(parentRunId !== undefined ? { parentRunId } : {}),
      startTime,
      userId: tags[USER_TAG] ?? currentUserName(),
    });
    for (const full of fitted.fullValues) this.#recorder.recordArtifact(run, full.path, full.text);
    if (!this.#flusher.unavailable) {
      await this.#flusher.settle(start.seq);
      const refusal = this.#rejected.get(start.seq);
      if (refusal !== undefined) {
        throw new Error(`MLflow server ${this.description} refused to start run '${options.runName}' in experiment '${options.experimentName}': ${refusal}`);
      }
    }
    return new RemoteRunHandle(run, this.#recorder);
  }

  /**
   * Reopens a run of the server to continue it in this process (a training resumed from its
   * checkpoint). Unlike the other calls, this one needs the server: `runs/get` tells the last step
   * logged of each metric (the step of its latest value), without which the resumed training could
   * log steps twice. Then `runs/update` with status RUNNING (and no end time: MLflow cannot clear one,
   * so the run keeps its old end time until it ends again) is journaled and sent, under a new local id
   * that the handle's calls name, as for a run started here: the journal's liveness record stands for
   * the run, and if this process dies `kdlab sync` ends the run KILLED. The handle knows the run's
   * params, so a changed param fails at once. Should the server stop answering between the two
   * requests, the update waits in the journal like any call.
   *
   * A KILLED, FAILED or RUNNING run is resumed; a FINISHED run is refused (it has nothing left to
   * resume), and so is a run that a journal of this journal folder still holds (calls not sent, or
   * left RUNNING: its process may still run, or died and awaits `kdlab sync`), or that this tracker has open.
   *
   * @param runId - The run's id on the server.
   * @returns the run's handle (its `runId` is the server's), and the last step of each metric key.
   * @throws Error naming the server and the run when the server is unavailable, has no such run, the
   *   run is deleted or FINISHED, a journal still holds it, or the server refuses the update; also for a
   *   closed tracker.
   */
  async resumeRun(runId: string): Promise<ResumedRun> {
    if (this.#closed) throw new Error(`Tracker for '${this.description}' is closed: cannot resume run '${runId}'.`);
    const where = `run '${runId}' of MLflow server ${this.description}`;
    if ([...this.#openRuns].some((open) => this.#created.get(open)?.serverRunId === runId)) {
      throw new Error(`Cannot resume ${where}: this tracker has it open already (started or resumed, and not ended).`);
    }
    const holding = await journalsHoldingRun(this.journalDir, runId, this.#journal?.file);
    if (holding.length > 0) throw new Error(`Cannot resume ${where}: ${holding.map(describeHolding).join('; ')}.`);
    // This tracker's own calls (an end, say) go first, so that the server's answer includes them.
    if (this.#journal !== undefined) await this.flush();
    const found = await fetchRunToResume(this.#client, this.description, runId);
    const run = newRunId();
    const { serverRunId, experimentId, artifactUri } = found;
    this.#created.set(run, { t: 'created', run, serverRunId, experimentId, artifactUri });
    const resume = this.#record({ t: 'resume', run, serverRunId, experimentId, artifactUri });
    await this.#flusher.settle(resume.seq);
    const refusal = this.#rejected.get(resume.seq);
    if (refusal !== undefined) throw new Error(`MLflow server ${this.description} refused to resume run '${runId}': ${refusal}`);
    return { handle: new RemoteRunHandle(run, this.#recorder, found.params), lastSteps: found.lastSteps };
  }

  /**
   * The runs of an experiment on the server whose tags include all of `tags` (as `Tracker.findRuns` of
   * `@kdlab/core` asks: finished sweep trials are skipped, a dead queue worker's runs are found). The
   * server filters on the most selective tag (the longest value, a hash usually) and the rest are
   * checked here; calls still in this process's journal are not seen.
   */
  async findRuns(experimentName: string, tags: Record<string, string>): Promise<FoundRun[]> {
    const experiment = await this.#client.experiments.findByName(experimentName);
    if (experiment === undefined) return [];
    const entries = Object.entries(tags);
    const selective = [...entries].sort((a, b) => b[1].length - a[1].length)[0];
    const filter = selective === undefined ? undefined : `tags.\`${selective[0]}\` = '${selective[1].replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    const found: FoundRun[] = [];
    for await (const run of this.#client.runs.iterate({ experimentIds: [experiment.experimentId], ...(filter !== undefined ? { filter } : {}) })) {
      if (entries.every(([key, value]) => run.data.tags[key] === value)) found.push({ runId: run.info.runId, status: run.info.status, tags: { ...run.data.tags } });
    }
    return found;
  }

  /**
   * Waits until everything logged so far is on the server, or, while the server is unavailable, until
   * it is safe in the journal on disk and one more attempt to send it has failed.
   */
  async flush(): Promise<void> {
    if (this.#journal === undefined) return;
    await this.#journal.sync();
    await this.#flusher.settle(this.#journal.lastSeq);
  }

  /**
   * Flushes, stops the sender and closes the client. The journal is deleted when everything in it is
   * on the server and every run was ended; otherwise it stays (with a warning) for `kdlab sync`.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (this.#journal !== undefined) await this.#closeJournal(this.#journal);
    } finally {
      await this.#client.close();
    }
  }

  async #closeJournal(journal: SessionJournal): Promise<void> {
    await this.flush();
    await this.#flusher.stop();
    const pending = this.#flusher.pendingCount;
    if (pending === 0 && this.#openRuns.size === 0 && !this.#keepCompletedJournal) {
      await journal.remove();
      await this.#heartbeat.release(livenessFileOf(journal.file));
      return;
    }
    await journal.close();
    // The liveness record stays, with this last heartbeat, for `kdlab sync` to read once this process has exited.
    this.#heartbeat.stop();
    if (pending > 0) {
      this.#warn(`${pending} calls are not on MLflow server ${this.description} yet; they are kept in ${journal.file}: run \`kdlab sync\` once the server answers.`);
    }
    if (this.#openRuns.size > 0) {
      this.#warn(
        `run(s) ${[...this.#openRuns].map((run) => this.#created.get(run)?.serverRunId ?? run).join(', ')} were not ended; ` +
          `\`kdlab sync\` will end them KILLED once this process has exited (journal ${journal.file}).`,
      );
    }
  }

  #openJournal(): SessionJournal {
    if (this.#journal !== undefined) return this.#journal;
    const now = Date.now();
    const file = join(this.journalDir, newJournalFileName(now));
    const { host, pid, startTicks, bootId } = currentProcessIdentity();
    const header = {
      t: 'session' as const,
      version: JOURNAL_FORMAT_VERSION,
      sessionId: randomUUID(),
      pid,
      host,
      ...(startTicks !== undefined ? { startTicks } : {}),
      ...(bootId !== undefined ? { bootId } : {}),
      trackingUri: this.description,
      startedAt: now,
    };
    const writer = JournalWriter.create(file, header, this.#writerOptions);
    void this.#heartbeat.add(livenessFileOf(file), this.journalDir);
    const journal = new SessionJournal(writer, 0, this.#warn);
    this.#journal = journal;
    this.#delivery = new CallDelivery({
      client: this.#client,
      journalFile: file,
      created: this.#created,
      onCreated: (record) => journal.acknowledge(record),
      adoptExistingRuns: false,
    });
    return journal;
  }

  #record(draft: CallDraft): CallRecord {
    if (this.#closed && draft.t !== 'start') {
      throw new Error(`Tracker for '${this.description}' is closed: cannot record the '${draft.t}' call of run ${this.#created.get(draft.run)?.serverRunId ?? draft.run}.`);
    }
    const call = this.#openJournal().appendCall(draft);
    if (call.t === 'start' || call.t === 'resume') this.#openRuns.add(call.run);
    if (call.t === 'end' || call.t === 'handover') this.#openRuns.delete(call.run);
    this.#flusher.enqueue(call);
    return call;
  }

  #onRejected(call: CallRecord, error: unknown): void {
    const reason = describeFailure(error);
    this.#rejected.set(call.seq, reason);
    this.#journal?.acknowledge({ t: 'rejected', seq: call.seq, error: reason });
    if (call.t === 'start') {
      this.#openRuns.delete(call.run);
      this.#warn(`MLflow server ${this.description} refused to start run '${call.runName}' (local id ${call.run}); its calls are dropped: ${reason}`);
    } else if (call.t === 'resume') {
      this.#openRuns.delete(call.run);
      this.#warn(`MLflow server ${this.description} refused to resume run ${call.serverRunId} (local id ${call.run}): ${reason}`);
    } else {
      const run = this.#created.get(call.run)?.serverRunId ?? call.run;
      this.#warn(`MLflow server ${this.description} refused the '${call.t}' call ${call.seq} of run ${run}; it is dropped: ${reason}`);
    }
  }

  /**
   * One line when the server stops answering: it failed (after the client's retries), or a delivery has
   * waited `slowAnswerMs` for an answer. A server that answers now and then is one outage until caught up.
   */
  #reportOutage(reason: string): void {
    if (this.#doneSinceOutage !== undefined || this.#closed) return;
    this.#doneSinceOutage = 0;
    const waiting = this.#flusher.pendingCount;
    this.#warn(
      `MLflow server ${this.description} is unavailable (${reason}): ${waiting} call${waiting === 1 ? '' : 's'} wait in the journal ` +
        `${this.#journal?.file ?? this.journalDir}; training goes on, and every call is sent when the server answers again (or by \`kdlab sync\`).`,
    );
  }

  /** One line once everything journaled during a reported outage is on the server. */
  #noteCatchingUp(done: number): void {
    if (this.#doneSinceOutage === undefined) return;
    this.#doneSinceOutage += done;
    if (this.#flusher.pendingCount > 0) return;
    const sent = this.#doneSinceOutage;
    this.#doneSinceOutage = undefined;
    this.#warn(`MLflow server ${this.description} answers again and has caught up: the ${sent} call${sent === 1 ? '' : 's'} journaled meanwhile are on it.`);
  }
}

/** One sentence on a journal that still holds a run, for {@link MlflowServerTracker.resumeRun}'s refusal. */
function describeHolding(journal: JournalHoldingRun): string {
  const { pid, host } = journal.session;
  const what = [
    ...(journal.pending > 0 ? [`has ${journal.pending} call${journal.pending === 1 ? '' : 's'} of it not on the server yet`] : []),
    ...(journal.leftRunning ? ['left it RUNNING'] : []),
  ].join(' and ');
  return (
    `journal ${journal.file} (written by process ${pid} on ${host}) ${what}: if that process is gone, ` +
    'run `kdlab sync` first, so that its calls go before the resumed ones; if it still runs, the run is still being trained'
  );
}

/** The tags a run starts with, and its parent, checked as the local store checks them. */
function initialTags(options: StartRunOptions): { tags: Record<string, string>; parentRunId: string | undefined } {
  const tags = namedRunTags(options);
  const givenParent = tags[PARENT_RUN_TAG];
  if (options.parentRunId !== undefined && givenParent !== undefined && givenParent !== options.parentRunId) {
    throw new Error(`parentRunId '${options.parentRunId}' and tag ${PARENT_RUN_TAG}='${givenParent}' differ.`);
  }
  const parentRunId = options.parentRunId ?? givenParent;
  if (parentRunId !== undefined && !RUN_ID_PATTERN.test(parentRunId)) throw new Error(`Parent run id '${parentRunId}' is not a valid run id.`);
  delete tags[PARENT_RUN_TAG];
  return { tags, parentRunId };
}

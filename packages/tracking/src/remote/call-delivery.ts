import type { MlflowClient, Run } from '@kdlab/mlflow';
import { decodeMetricValue, type ArtifactRecord, type CallRecord, type CreatedRecord, type ResumeRecord, type StartRecord } from '../journal/journal-records.js';
import { readJournalBlob } from '../journal/journal-writer.js';
import { isLogCall, mergeLogCalls, type LogCall } from './call-groups.js';

/** What a {@link CallDelivery} sends with and reports to. */
export interface CallDeliveryOptions {
  /** The server's client. */
  client: MlflowClient;
  /** The journal whose calls are sent (its blob folder holds large artifacts). */
  journalFile: string;
  /** Server ids of the runs created so far, by local id; filled as runs are created. */
  created: Map<string, CreatedRecord>;
  /** Called once a run exists on the server (to journal its id). */
  onCreated: (record: CreatedRecord) => void;
  /**
   * Before creating a run, look for one an earlier, interrupted attempt may have created (same
   * start time, user, name and tags), so that a replay after a crash makes no duplicate.
   */
  adoptExistingRuns: boolean;
}

/** Sends journaled calls to an MLflow server: run starts, log batches, artifacts and ends. */
export class CallDelivery {
  readonly #options: CallDeliveryOptions;
  readonly #experimentIds = new Map<string, string>();

  /** @param options - The client, the journal and the id map. */
  constructor(options: CallDeliveryOptions) {
    this.#options = options;
  }

  /**
   * Sends one group of calls (see `nextCallGroup`): a start, a resume, an end, an artifact, or log calls of
   * one run merged into one `runs/log-batch` (split by the client to MLflow's limits).
   *
   * @param group - The calls, in journal order.
   * @throws what the client throws (typed MLflow errors), or an Error naming a run never created.
   */
  async deliver(group: readonly CallRecord[]): Promise<void> {
    const [first] = group;
    if (first === undefined) return;
    if (first.t === 'start') return this.#start(first);
    if (first.t === 'resume') return this.#resume(first);
    if (first.t === 'handover') return; // bookkeeping only: the run stays RUNNING on the server
    const server = this.#serverRun(first.run);
    if (first.t === 'end') {
      await this.#options.client.runs.update({ runId: server.serverRunId, status: first.status, endTime: first.endTime });
      return;
    }
    if (first.t === 'artifact') return this.#upload(server, first);
    const batch = mergeLogCalls(group.filter(isLogCall) as LogCall[]);
    await this.#options.client.runs.logBatch(server.serverRunId, {
      params: batch.params,
      tags: batch.tags,
      metrics: batch.metrics.map((metric) => ({ ...metric, value: decodeMetricValue(metric.value) })),
    });
  }

  async #start(call: StartRecord): Promise<void> {
    if (this.#options.created.has(call.run)) return;
    const { client } = this.#options;
    let experimentId = this.#experimentIds.get(call.experimentName);
    if (experimentId === undefined) {
      experimentId = (await client.experiments.getOrCreate(call.experimentName)).experimentId;
      this.#experimentIds.set(call.experimentName, experimentId);
    }
    const parentRunId = call.parentRunId === undefined ? undefined : (this.#options.created.get(call.parentRunId)?.serverRunId ?? call.parentRunId);
    const tags = { ...call.tags };
    delete tags['mlflow.parentRunId'];
    const input = { experimentId, runName: call.runName, startTime: call.startTime, userId: call.userId, tags, parentRunId };
    const run = (this.#options.adoptExistingRuns ? await this.#findCreated(input) : undefined) ?? (await client.runs.create(input));
    const record: CreatedRecord = {
      t: 'created',
      run: call.run,
      serverRunId: run.info.runId,
      experimentId: run.info.experimentId,
      artifactUri: run.info.artifactUri,
    };
    this.#options.created.set(call.run, record);
    this.#options.onCreated(record);
  }

  /** Reopens a run the server has: status RUNNING, no end time sent (MLflow keeps the old one until the run ends again). */
  async #resume(call: ResumeRecord): Promise<void> {
    const { run, serverRunId, experimentId, artifactUri } = call;
    if (!this.#options.created.has(run)) this.#options.created.set(run, { t: 'created', run, serverRunId, experimentId, artifactUri });
    await this.#options.client.runs.update({ runId: serverRunId, status: 'RUNNING' });
  }

  async #findCreated(input: {
    experimentId: string;
    runName: string;
    startTime: number;
    userId: string;
    tags: Record<string, string>;
    parentRunId: string | undefined;
  }): Promise<Run | undefined> {
    const expected: Record<string, string> = { ...input.tags, ...(input.parentRunId ? { 'mlflow.parentRunId': input.parentRunId } : {}) };
    const page = await this.#options.client.runs.search({
      experimentIds: [input.experimentId],
      filter: `attributes.start_time = ${input.startTime}`,
      maxResults: 1000,
    });
    return page.runs.find(
      (run) =>
        run.info.startTime === input.startTime &&
        run.info.userId === input.userId &&
        run.info.runName === input.runName &&
        Object.entries(expected).every(([key, value]) => run.data.tags[key] === value),
    );
  }

  async #upload(server: CreatedRecord, call: ArtifactRecord): Promise<void> {
    let contents: string | Uint8Array;
    if (call.encoding === 'utf8') contents = call.data;
    else if (call.encoding === 'base64') contents = new Uint8Array(Buffer.from(call.data, 'base64'));
    else contents = await readJournalBlob(this.#options.journalFile, call.data);
    await this.#options.client.artifacts.upload(server.artifactUri, call.path, contents);
  }

  #serverRun(run: string): CreatedRecord {
    const server = this.#options.created.get(run);
    if (server === undefined) {
      throw new Error(`Run ${run} of journal ${this.#options.journalFile} was never created on the server (its start was refused), so its calls cannot be sent.`);
    }
    return server;
  }
}

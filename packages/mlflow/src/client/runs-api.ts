import { parseLongParamMarker } from '../batch/long-param.js';
import { prepareLogBatch, prepareMetric, prepareParam, prepareTag } from '../batch/prepare-log-batch.js';
import { ResourceDoesNotExistError } from '../errors/api-errors.js';
import { MlflowResponseError } from '../errors/response-error.js';
import { MlflowValidationError } from '../errors/validation-error.js';
import type { Metric, MetricInput } from '../model/metric.js';
import {
  RUN_STATUSES,
  type CreateRunInput,
  type LogBatchInput,
  type MetricHistoryOptions,
  type ParamValue,
  type Run,
  type RunInfo,
  type RunsPage,
  type SearchRunsInput,
  type UpdateRunInput,
} from '../model/run.js';
import { validateExperimentId, validateRunId } from '../validation/ids.js';
import { validateKey } from '../validation/keys.js';
import { validateMaxResults, validateTimestamp } from '../validation/numbers.js';
import { decodeMetric } from '../wire/decode-metric.js';
import { decodeRun, decodeRunInfo } from '../wire/decode-run.js';
import { asObject, readArray, readOptionalString } from '../wire/json-fields.js';
import type { ApiContext } from './api-context.js';
import { definedFields, getJson, ignoreBody, postJson } from './api-calls.js';
import type { ArtifactsApi } from './artifacts-api.js';
import { findCreatedRun } from './run-create-recovery.js';
import { RunLogSender } from './run-log-sender.js';

/** Largest page `runs/search` serves. */
export const MAX_RUNS_PER_PAGE = 50_000;

/** The page size `metrics/get-history` is asked for by default, and the largest allowed: what MLflow's Python client sends. */
export const METRIC_HISTORY_PAGE_SIZE = 25_000;

const PARENT_RUN_TAG = 'mlflow.parentRunId';
const RUN_NAME_TAG = 'mlflow.runName';
const FINAL_STATUSES: ReadonlySet<string> = new Set(['FINISHED', 'FAILED', 'KILLED']);

/** One page of a metric's history. */
interface HistoryPage {
  readonly metrics: readonly Metric[];
  readonly nextPageToken: string | undefined;
}

/** The run endpoints, logging included: `client.runs`. */
export class RunsApi {
  readonly #context: ApiContext;
  readonly #artifacts: ArtifactsApi;
  readonly #sender: RunLogSender;
  readonly #artifactRoots = new Map<string, string>();

  /**
   * Built by {@link MlflowClient}; reach it as `client.runs`.
   * @param context - shared executor and settings
   * @param artifacts - used to store and read the full values of long params
   * @internal
   */
  constructor(context: ApiContext, artifacts: ArtifactsApi) {
    this.#context = context;
    this.#artifacts = artifacts;
    this.#sender = new RunLogSender({
      executor: context.executor,
      artifacts,
      readHistory: (runId) => (key) => this.getMetricHistory(runId, key),
      artifactRootOf: async (runId) => this.#artifactRoots.get(runId) ?? (await this.get(runId)).info.artifactUri,
    });
  }

  /**
   * `POST runs/create`. Sends `start_time` (default now) and `user_id` (default the client's user) always. If an
   * attempt's answer is lost, the run it may have made is looked up before trying again, so no duplicate is made.
   */
  async create(input: CreateRunInput): Promise<Run> {
    validateExperimentId(input.experimentId);
    const startTime = validateTimestamp(input.startTime ?? this.#context.now(), 'startTime');
    const userId = input.userId ?? this.#context.config.defaultUserId;
    const tags: Record<string, string> = { ...input.tags };
    if (input.parentRunId !== undefined) tags[PARENT_RUN_TAG] = validateRunId(input.parentRunId, 'parentRunId');
    const namedByTag = tags[RUN_NAME_TAG];
    if (namedByTag !== undefined && input.runName !== undefined && namedByTag !== input.runName) {
      throw new MlflowValidationError(
        `tags.${RUN_NAME_TAG}`,
        `'${namedByTag}' differs from runName '${input.runName}' (MLflow refuses the run)`,
      );
    }
    const tagList = Object.entries(tags).map(([key, value]) => prepareTag(key, value, `tags.${key}`));
    const body = definedFields({
      experiment_id: input.experimentId,
      start_time: startTime,
      run_name: input.runName,
      user_id: userId,
      tags: tagList.length > 0 ? tagList : undefined,
    });
    const sent = { experimentId: input.experimentId, startTime, userId, runName: input.runName, tags };
    return this.#context.executor.execute(
      postJson('runs/create', body, (json, where) => this.#runOf(asObject(json, where).run, `${where}: run`), {
        idempotent: false,
        recover: async () => {
          const found = await findCreatedRun(sent, (search) => this.search(search));
          return found === undefined ? undefined : this.#remember(found);
        },
      }),
    );
  }

  /** `GET runs/get`: the run with the latest value of each metric, its params and tags. */
  async get(runId: string): Promise<Run> {
    validateRunId(runId);
    return this.#context.executor.execute(
      getJson('runs/get', { run_id: runId }, (json, where) => this.#runOf(asObject(json, where).run, `${where}: run`)),
    );
  }

  /**
   * `POST runs/update`: status, end time, name. The status is checked here, since the server silently ignores an
   * unknown one. `endTime` defaults to now for FINISHED, FAILED and KILLED.
   */
  async update(input: UpdateRunInput): Promise<RunInfo> {
    validateRunId(input.runId);
    if (input.status !== undefined && !RUN_STATUSES.includes(input.status)) {
      throw new MlflowValidationError('status', `'${String(input.status)}' is not one of ${RUN_STATUSES.join(', ')}`);
    }
    const isFinal = input.status !== undefined && FINAL_STATUSES.has(input.status);
    const endTime = input.endTime ?? (isFinal ? this.#context.now() : undefined);
    const body = definedFields({
      run_id: input.runId,
      status: input.status,
      end_time: endTime === undefined ? undefined : validateTimestamp(endTime, 'endTime'),
      run_name: input.runName,
    });
    return this.#context.executor.execute(
      postJson(
        'runs/update',
        body,
        (json, where) => decodeRunInfo(asObject(json, where).run_info, `${where}: run_info`),
        { idempotent: true },
      ),
    );
  }

  /** `POST runs/delete`: moves the run to the trash (repeating it is harmless). */
  async delete(runId: string): Promise<void> {
    validateRunId(runId);
    await this.#context.executor.execute(postJson('runs/delete', { run_id: runId }, ignoreBody, { idempotent: true }));
  }

  /** `POST runs/search`: one page of runs. */
  async search(input: SearchRunsInput): Promise<RunsPage> {
    if (!Array.isArray(input.experimentIds) || input.experimentIds.length === 0) {
      throw new MlflowValidationError('experimentIds', 'expected at least one experiment id');
    }
    input.experimentIds.forEach((id, index) => validateExperimentId(id, `experimentIds[${index}]`));
    const body = definedFields({
      experiment_ids: input.experimentIds,
      filter: input.filter,
      order_by: input.orderBy,
      max_results: validateMaxResults(input.maxResults, 'maxResults', MAX_RUNS_PER_PAGE),
      page_token: input.pageToken,
      run_view_type: input.runViewType,
    });
    const decode = (json: unknown, where: string): RunsPage => {
      const object = asObject(json, where);
      return {
        runs: readArray(object, 'runs', where).map((run, index) => this.#runOf(run, `${where}: runs[${index}]`)),
        nextPageToken: readOptionalString(object, 'next_page_token', where) || undefined,
      };
    };
    return this.#context.executor.execute(postJson('runs/search', body, decode, { idempotent: true }));
  }

  /** Every run matching `input`, page after page (`maxResults` sets the page size). */
  async *iterate(input: SearchRunsInput): AsyncGenerator<Run, void, undefined> {
    let pageToken = input.pageToken;
    do {
      const page = await this.search({ ...input, pageToken });
      yield* page.runs;
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined);
  }

  /**
   * `POST runs/log-batch`, split into as many requests as MLflow's limits need (params first). Everything is checked
   * before anything is sent. Metric timestamps default to the time of the call and stay fixed across retries, so a
   * retried request is de-duplicated by the server; a NaN metric the server already holds (its de-duplication misses
   * NaN and answers 400 BAD_REQUEST) is dropped and the rest sent again. Params over 6000 characters are stored whole
   * as an artifact first, and a marked truncation is logged (see {@link parseLongParamMarker}).
   */
  async logBatch(runId: string, input: LogBatchInput): Promise<void> {
    validateRunId(runId);
    await this.#sender.sendBatch(runId, prepareLogBatch(input, this.#context.now()));
  }

  /** `POST runs/log-metric`: one value (same checks and NaN handling as {@link RunsApi.logBatch}). */
  async logMetric(runId: string, metric: MetricInput): Promise<void> {
    validateRunId(runId);
    await this.#sender.sendMetric(runId, prepareMetric(metric, this.#context.now(), 'metric'));
  }

  /** `POST runs/log-parameter`: one param (a value over 6000 characters is kept whole as an artifact). */
  async logParam(runId: string, key: string, value: ParamValue): Promise<void> {
    validateRunId(runId);
    const { param, long } = prepareParam(key, value, `params.${key}`);
    if (long !== undefined) await this.#sender.storeLongParams(runId, [long]);
    const body = { run_id: runId, ...param };
    await this.#context.executor.execute(postJson('runs/log-parameter', body, ignoreBody, { idempotent: true }));
  }

  /** `POST runs/set-tag`: sets or replaces one tag. */
  async setTag(runId: string, key: string, value: string): Promise<void> {
    validateRunId(runId);
    const body = { run_id: runId, ...prepareTag(key, value, `tags.${key}`) };
    await this.#context.executor.execute(postJson('runs/set-tag', body, ignoreBody, { idempotent: true }));
  }

  /** `POST runs/delete-tag`. A retry that finds the tag already gone (its first attempt worked) succeeds. */
  async deleteTag(runId: string, key: string): Promise<void> {
    validateRunId(runId);
    const body = { run_id: runId, key: validateKey(key, 'key') };
    try {
      await this.#context.executor.execute(postJson('runs/delete-tag', body, ignoreBody, { idempotent: true }));
    } catch (error) {
      if (!(error instanceof ResourceDoesNotExistError && error.earlierAttemptMayHaveApplied)) throw error;
    }
  }

  /**
   * `GET metrics/get-history`: every value of one metric, sorted by step then timestamp (the server keeps no order).
   * Every page is asked for with `max_results` (default {@link METRIC_HISTORY_PAGE_SIZE}, as MLflow's Python client
   * does: MLflow 3.4 to 3.13 answer a request without it with no metrics and a page token that fails when followed,
   * mlflow/mlflow#23916), and `next_page_token` is followed until a page comes without one.
   */
  async getMetricHistory(runId: string, key: string, options: MetricHistoryOptions = {}): Promise<Metric[]> {
    validateRunId(runId);
    validateKey(key, 'key');
    const pageSize = validateMaxResults(options.pageSize, 'pageSize', METRIC_HISTORY_PAGE_SIZE) ?? METRIC_HISTORY_PAGE_SIZE;
    const metrics: Metric[] = [];
    const tokensSeen = new Set<string>();
    let pageToken: string | undefined;
    do {
      const query = definedFields({ run_id: runId, metric_key: key, max_results: String(pageSize), page_token: pageToken });
      const page = await this.#context.executor.execute(
        getJson('metrics/get-history', query as Record<string, string>, this.#historyPageOf),
      );
      metrics.push(...page.metrics);
      pageToken = page.nextPageToken;
      if (pageToken !== undefined && tokensSeen.has(pageToken)) {
        throw new MlflowResponseError('metrics/get-history: next_page_token', `the server handed back the page token '${pageToken}' again`);
      }
      if (pageToken !== undefined) tokensSeen.add(pageToken);
    } while (pageToken !== undefined);
    return metrics.sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
  }

  /**
   * A param's full value: the logged value, or, for a param logged truncated because it was over 6000 characters,
   * the full value read back from its artifact. `undefined` when the run has no such param.
   */
  async getParamValue(run: Run, key: string): Promise<string | undefined> {
    const value = run.data.params[key];
    if (value === undefined) return undefined;
    const marker = parseLongParamMarker(value);
    if (marker === undefined) return value;
    return this.#artifacts.downloadText(run.info, marker.artifactPath);
  }

  readonly #historyPageOf = (json: unknown, where: string): HistoryPage => {
    const object = asObject(json, where);
    const maxFloatAsInfinity = this.#context.config.readMaxFloatAsInfinity;
    return {
      metrics: readArray(object, 'metrics', where).map((metric, index) =>
        decodeMetric(metric, maxFloatAsInfinity, `${where}: metrics[${index}]`),
      ),
      nextPageToken: readOptionalString(object, 'next_page_token', where) || undefined,
    };
  };

  #runOf(value: unknown, where: string): Run {
    return this.#remember(decodeRun(value, this.#context.config.readMaxFloatAsInfinity, where));
  }

  #remember(run: Run): Run {
    if (run.info.artifactUri !== '') this.#artifactRoots.set(run.info.runId, run.info.artifactUri);
    return run;
  }
}

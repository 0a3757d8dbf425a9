import { MlflowClient, ResourceDoesNotExistError, type Run } from '@kdlab/mlflow';
import { ExperimentNotFoundError, type LoadRunsOptions, type RunSource } from './run-source.js';
import type { ExperimentRuns, StoredMetricPoint, StoredRun } from './stored-run.js';

/** How many metric histories are fetched at once. */
const HISTORY_CONCURRENCY = 8;

/**
 * Reads runs from an MLflow tracking server through `@kdlab/mlflow`: the run listing gives each
 * metric's latest value; the histories asked for (`historyKeys`) are fetched per run.
 */
export class ServerRunSource implements RunSource {
  /** The server's URL, without credentials. */
  readonly description: string;

  /**
   * @param client - A client of the server; closed by {@link ServerRunSource.close}.
   */
  constructor(private readonly client: MlflowClient) {
    this.description = client.trackingUri;
  }

  /** {@inheritDoc RunSource.loadExperimentRuns} */
  async loadExperimentRuns(experimentName: string, options: LoadRunsOptions = {}): Promise<ExperimentRuns> {
    let experimentId: string;
    try {
      experimentId = (await this.client.experiments.getByName(experimentName)).experimentId;
    } catch (error) {
      if (error instanceof ResourceDoesNotExistError) throw new ExperimentNotFoundError(experimentName, this.description);
      throw error;
    }
    const listed: Run[] = [];
    for await (const run of this.client.runs.iterate({ experimentIds: [experimentId], runViewType: 'ACTIVE_ONLY' })) listed.push(run);
    const metricsByRun = new Map(listed.map((run) => [run.info.runId, latestMetrics(run)]));
    const fetches = listed.flatMap((run) => (options.historyKeys ?? []).filter((key) => metricsByRun.get(run.info.runId)![key] !== undefined).map((key) => ({ runId: run.info.runId, key })));
    await forEachConcurrently(fetches, HISTORY_CONCURRENCY, async ({ runId, key }) => {
      const history = await this.client.runs.getMetricHistory(runId, key);
      metricsByRun.get(runId)![key] = history.map(({ value, step, timestamp }) => ({ value, step, timestamp }));
    });
    const runs = listed.map((run) => storedRunOf(run, metricsByRun.get(run.info.runId)!));
    return { experimentId, experimentName, source: this.description, runs };
  }

  /** {@inheritDoc RunSource.loadRunsById} */
  async loadRunsById(runIds: readonly string[]): Promise<StoredRun[]> {
    const found: StoredRun[] = [];
    for (const runId of runIds) {
      try {
        const run = await this.client.runs.get(runId);
        if (run.info.lifecycleStage !== 'deleted') found.push(storedRunOf(run, latestMetrics(run)));
      } catch (error) {
        if (!(error instanceof ResourceDoesNotExistError)) throw error;
      }
    }
    return found;
  }

  /** Closes the client. */
  async close(): Promise<void> {
    await this.client.close();
  }
}

/** The run listing's metrics: the latest value of each, as a one-point history. */
function latestMetrics(run: Run): Record<string, StoredMetricPoint[]> {
  return Object.fromEntries(run.data.metrics.map((metric) => [metric.key, [{ value: metric.value, step: metric.step, timestamp: metric.timestamp }]]));
}

function storedRunOf(run: Run, metrics: Record<string, StoredMetricPoint[]>): StoredRun {
  return {
    runId: run.info.runId,
    runName: run.data.tags['mlflow.runName'] ?? run.info.runName ?? '',
    status: run.info.status,
    startTime: run.info.startTime ?? 0,
    params: run.data.params,
    tags: run.data.tags,
    metrics,
  };
}

async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

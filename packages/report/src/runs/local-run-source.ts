import { existsSync, statSync } from 'node:fs';
import { readMlrunsStore } from '@kdlab/tracking';
import type { MlrunsRunRecord } from '@kdlab/tracking';
import { ExperimentNotFoundError, type RunSource } from './run-source.js';
import type { ExperimentRuns, StoredRun } from './stored-run.js';

/** Reads runs from a local MLflow store (`./mlruns`), every metric history in full. */
export class LocalRunSource implements RunSource {
  /**
   * @param root - Absolute path of the store folder.
   * @param description - How to name it in messages; defaults to the path.
   */
  constructor(
    readonly root: string,
    readonly description: string = root,
  ) {}

  /** {@inheritDoc RunSource.loadExperimentRuns} */
  async loadExperimentRuns(experimentName: string): Promise<ExperimentRuns> {
    const found = statSync(this.root, { throwIfNoEntry: false });
    if (found === undefined) throw new ExperimentNotFoundError(experimentName, `${this.description} (there is no store at ${this.root})`);
    if (!found.isDirectory()) throw new ExperimentNotFoundError(experimentName, `${this.description} (${this.root} is a file, not a store folder)`);
    const contents = await readMlrunsStore(this.root);
    const experiment = contents.experiments.find((candidate) => candidate.name === experimentName);
    if (experiment === undefined) {
      throw new ExperimentNotFoundError(experimentName, this.description, contents.experiments.map((candidate) => candidate.name));
    }
    const runs = contents.runs
      .filter((run) => run.info.experimentId === experiment.experimentId && run.info.lifecycleStage === 'active')
      .map(storedRunOf);
    return { experimentId: experiment.experimentId, experimentName, source: this.description, runs };
  }

  /** {@inheritDoc RunSource.loadRunsById} */
  async loadRunsById(runIds: readonly string[]): Promise<StoredRun[]> {
    if (runIds.length === 0 || !existsSync(this.root)) return [];
    const wanted = new Set(runIds);
    const contents = await readMlrunsStore(this.root);
    return contents.runs.filter((run) => wanted.has(run.info.runId) && run.info.lifecycleStage === 'active').map(storedRunOf);
  }

  /** Nothing to release. */
  async close(): Promise<void> {}
}

function storedRunOf(record: MlrunsRunRecord): StoredRun {
  return {
    runId: record.info.runId,
    runName: record.tags['mlflow.runName'] ?? record.info.runName,
    status: record.info.status,
    startTime: record.info.startTime,
    params: record.params,
    tags: record.tags,
    metrics: record.metrics,
  };
}

import type { ExperimentRuns, StoredRun } from './stored-run.js';

/** What to read with the runs. */
export interface LoadRunsOptions {
  /** Metrics whose full history is needed (e.g. `val/accuracy` for training curves); the others may come as their latest value only. */
  historyKeys?: readonly string[];
}

/** Where finished runs are read from: a local MLflow store or an MLflow tracking server. */
export interface RunSource {
  /** A human description of the source, e.g. `./mlruns` or `http://host:5000`. */
  readonly description: string;
  /**
   * Reads an experiment's active runs.
   *
   * @param experimentName - The MLflow experiment's name.
   * @param options - Which metric histories to read in full.
   * @throws {@link ExperimentNotFoundError} when there is no active experiment by that name.
   */
  loadExperimentRuns(experimentName: string, options?: LoadRunsOptions): Promise<ExperimentRuns>;
  /**
   * Reads runs by id, whatever their experiment; ids not found are left out.
   *
   * @param runIds - The runs' ids.
   */
  loadRunsById(runIds: readonly string[]): Promise<StoredRun[]>;
  /** Releases connections. */
  close(): Promise<void>;
}

/** No active experiment has the name asked for. */
export class ExperimentNotFoundError extends Error {
  /** `'ExperimentNotFoundError'`. */
  override readonly name = 'ExperimentNotFoundError';

  /**
   * @param experimentName - The name asked for.
   * @param source - Where it was looked for.
   * @param known - The names that do exist, when the source can list them cheaply.
   */
  constructor(
    readonly experimentName: string,
    readonly source: string,
    known?: readonly string[],
  ) {
    super(
      `No experiment named '${experimentName}' in ${source}` +
        (known === undefined ? '.' : known.length === 0 ? ' (it has no experiments).' : ` (experiments there: ${known.map((name) => `'${name}'`).join(', ')}).`),
    );
  }
}

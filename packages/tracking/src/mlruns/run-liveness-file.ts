import { join } from 'node:path';

/**
 * The file in a run's folder where the process that owns a RUNNING run keeps its liveness record
 * (host, process id and start time, last heartbeat). MLflow reads only `meta.yaml` and the `metrics`,
 * `params`, `tags` and `artifacts` folders of a run, so the file travels with the store unseen; it is
 * deleted when the run ends.
 */
export const RUN_LIVENESS_FILE = '.kdlab-liveness.json';

/**
 * The liveness file of a run.
 *
 * @param runFolder - The run's folder.
 */
export function runLivenessFile(runFolder: string): string {
  return join(runFolder, RUN_LIVENESS_FILE);
}

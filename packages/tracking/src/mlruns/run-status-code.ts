/** A run status as MLflow names it, including the states a run passes through before it ends. */
export type MlflowRunStatusName = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

/** The integer codes a run's `meta.yaml` stores for each status (MLflow's `RunStatus` enum). */
export const RUN_STATUS_CODES: Readonly<Record<MlflowRunStatusName, number>> = {
  RUNNING: 1,
  SCHEDULED: 2,
  FINISHED: 3,
  FAILED: 4,
  KILLED: 5,
};

/**
 * The status name for an integer code read from a run's `meta.yaml`.
 *
 * @param code - The stored value.
 * @returns The name, or `undefined` when the value is not one of MLflow's codes (the server then fails).
 */
export function runStatusName(code: unknown): MlflowRunStatusName | undefined {
  const entry = Object.entries(RUN_STATUS_CODES).find(([, value]) => value === code);
  return entry?.[0] as MlflowRunStatusName | undefined;
}

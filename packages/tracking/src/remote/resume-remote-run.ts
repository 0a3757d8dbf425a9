import { ResourceDoesNotExistError, type Metric, type MlflowClient, type Run } from '@kdlab/mlflow';
import { RUN_ID_PATTERN } from '../mlruns/store-layout.js';
import { describeFailure, isServerUnavailable } from './server-unavailable.js';

/** A run of an MLflow server that may be resumed, as {@link fetchRunToResume} read it. */
export interface ServerRunToResume {
  /** The run's id on the server. */
  serverRunId: string;
  /** Its experiment's id. */
  experimentId: string;
  /** Its artifact root. */
  artifactUri: string;
  /** Its params, as the server stores them. */
  params: Record<string, string>;
  /** The last step logged of each metric key. */
  lastSteps: Record<string, number>;
}

/**
 * Reads a run from the server (`runs/get`) and checks that it can be resumed: active, and not
 * FINISHED (a finished run has nothing left to resume). KILLED, FAILED, SCHEDULED and RUNNING runs
 * may be resumed (the server cannot tell whether a RUNNING run's process still lives; the journals of
 * this machine can, see `journalsHoldingRun`).
 *
 * @param client - The server's client.
 * @param server - How to name the server in errors (its URI without credentials).
 * @param runId - The run's id on the server.
 * @throws Error naming the server and the run when the server is unavailable (a resume needs the last
 *   steps it stores), has no such run, or the run is deleted or FINISHED.
 */
export async function fetchRunToResume(client: MlflowClient, server: string, runId: string): Promise<ServerRunToResume> {
  if (typeof runId !== 'string' || !RUN_ID_PATTERN.test(runId)) throw new Error(`Cannot resume run '${runId}' of MLflow server ${server}: not a valid run id.`);
  let run: Run;
  try {
    run = await client.runs.get(runId);
  } catch (error) {
    if (error instanceof ResourceDoesNotExistError) throw new Error(`Cannot resume run '${runId}': MLflow server ${server} has no such run.`);
    if (isServerUnavailable(error)) {
      throw new Error(
        `Cannot resume run '${runId}': MLflow server ${server} is unavailable (${describeFailure(error)}). A resume needs the server, ` +
          'which alone knows the last step logged of each metric (so that nothing is logged twice): try again once it answers.',
      );
    }
    throw new Error(`Cannot resume run '${runId}': MLflow server ${server} failed to read it: ${describeFailure(error)}`);
  }
  const { info, data } = run;
  const where = `run '${runId}' of MLflow server ${server}`;
  if (info.lifecycleStage !== 'active') throw new Error(`Cannot resume ${where}: the run is ${info.lifecycleStage}; restore it first.`);
  if (info.status === 'FINISHED') {
    throw new Error(`Cannot resume ${where}: it is FINISHED, so it has nothing left to resume (start a new run instead).`);
  }
  return {
    serverRunId: info.runId,
    experimentId: info.experimentId,
    artifactUri: info.artifactUri,
    params: { ...data.params },
    lastSteps: lastStepsOf(data.metrics),
  };
}

/**
 * The last step of each metric key from a run's latest metric values (`runs/get`'s `data.metrics`,
 * one per key): MLflow's latest value of a metric is the one with the highest step (then the latest
 * timestamp), so its step is the last step logged.
 *
 * @param metrics - The run's latest metric values.
 */
export function lastStepsOf(metrics: readonly Metric[]): Record<string, number> {
  const lastSteps: Record<string, number> = {};
  for (const metric of metrics) lastSteps[metric.key] = Math.max(lastSteps[metric.key] ?? Number.NEGATIVE_INFINITY, metric.step);
  return lastSteps;
}

import { MlflowResponseError } from '../errors/response-error.js';
import { RUN_STATUSES, type Run, type RunData, type RunInfo, type RunStatus } from '../model/run.js';
import { readLifecycleStage } from './decode-experiment.js';
import { decodeMetric } from './decode-metric.js';
import { asObject, readArray, readKeyValues, readOptionalInteger, readOptionalString, readString } from './json-fields.js';

function readStatus(status: string | undefined, where: string): RunStatus {
  const value = status ?? 'RUNNING';
  if (!(RUN_STATUSES as readonly string[]).includes(value)) {
    throw new MlflowResponseError(`${where}.status`, `expected one of ${RUN_STATUSES.join(', ')}, got '${value}'`);
  }
  return value as RunStatus;
}

/** Reads an MLflow `RunInfo` message (`run_id`, or the legacy `run_uuid` when only that is present). */
export function decodeRunInfo(value: unknown, where: string): RunInfo {
  const object = asObject(value, where);
  const runId = readOptionalString(object, 'run_id', where) ?? readString(object, 'run_uuid', where);
  return {
    runId,
    experimentId: readString(object, 'experiment_id', where),
    runName: readOptionalString(object, 'run_name', where),
    userId: readOptionalString(object, 'user_id', where),
    status: readStatus(readOptionalString(object, 'status', where), where),
    startTime: readOptionalInteger(object, 'start_time', where),
    endTime: readOptionalInteger(object, 'end_time', where),
    artifactUri: readOptionalString(object, 'artifact_uri', where) ?? '',
    lifecycleStage: readLifecycleStage(object, where),
  };
}

/** Reads an MLflow `RunData` message; absent lists are empty. */
export function decodeRunData(value: unknown, maxFloatAsInfinity: boolean, where: string): RunData {
  const object = asObject(value ?? {}, where);
  return {
    metrics: readArray(object, 'metrics', where).map((metric, index) =>
      decodeMetric(metric, maxFloatAsInfinity, `${where}.metrics[${index}]`),
    ),
    params: readKeyValues(object, 'params', where),
    tags: readKeyValues(object, 'tags', where),
  };
}

/** Reads an MLflow `Run` message. */
export function decodeRun(value: unknown, maxFloatAsInfinity: boolean, where: string): Run {
  const object = asObject(value, where);
  return {
    info: decodeRunInfo(object.info, `${where}.info`),
    data: decodeRunData(object.data, maxFloatAsInfinity, `${where}.data`),
  };
}

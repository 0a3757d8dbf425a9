import type { Experiment, LifecycleStage } from '../model/experiment.js';
import { MlflowResponseError } from '../errors/response-error.js';
import { asObject, readKeyValues, readOptionalInteger, readOptionalString, readString, type JsonObject } from './json-fields.js';

/** Reads `lifecycle_stage` (`active` when absent, as protobuf-JSON omits defaults). */
export function readLifecycleStage(object: JsonObject, where: string): LifecycleStage {
  const stage = readOptionalString(object, 'lifecycle_stage', where) ?? 'active';
  if (stage !== 'active' && stage !== 'deleted') {
    throw new MlflowResponseError(`${where}.lifecycle_stage`, `expected 'active' or 'deleted', got '${stage}'`);
  }
  return stage;
}

/** Reads an MLflow `Experiment` message. */
export function decodeExperiment(value: unknown, where: string): Experiment {
  const object = asObject(value, where);
  return {
    experimentId: readString(object, 'experiment_id', where),
    name: readString(object, 'name', where),
    artifactLocation: readOptionalString(object, 'artifact_location', where) ?? '',
    lifecycleStage: readLifecycleStage(object, where),
    creationTime: readOptionalInteger(object, 'creation_time', where),
    lastUpdateTime: readOptionalInteger(object, 'last_update_time', where),
    tags: readKeyValues(object, 'tags', where),
  };
}

import type { MetaYaml } from './meta-yaml.js';

/** What an experiment's `meta.yaml` records. */
export interface MlrunsExperimentInfo {
  /** The id, also the experiment's folder name (MLflow: 18 digits; the Default experiment is `0`). */
  experimentId: string;
  /** The unique name among active experiments. */
  name: string;
  /** Where its runs' artifacts go, a URI (`file:///.../mlruns/<id>` for a local store). */
  artifactLocation: string;
  /** `active`, or `deleted` for an experiment moved to `.trash`. */
  lifecycleStage: string;
  /** Creation time in ms, when recorded. */
  creationTime: number | null;
  /** Last update time in ms, when recorded. */
  lastUpdateTime: number | null;
}

/** Keys an experiment's `meta.yaml` must hold for the MLflow server to read it. */
export const EXPERIMENT_META_REQUIRED_KEYS: readonly string[] = ['experiment_id', 'name', 'artifact_location', 'lifecycle_stage'];

/**
 * The `meta.yaml` mapping of an experiment, with the keys MLflow 2.12 writes.
 *
 * @param info - The experiment.
 */
export function experimentMetaEntries(info: MlrunsExperimentInfo): MetaYaml {
  return {
    artifact_location: info.artifactLocation,
    creation_time: info.creationTime,
    experiment_id: info.experimentId,
    last_update_time: info.lastUpdateTime,
    lifecycle_stage: info.lifecycleStage,
    name: info.name,
  };
}

function optionalTime(meta: MetaYaml, key: string, file: string): number | null {
  const value = meta[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new Error(`${file}: '${key}' must be an integer, got ${JSON.stringify(value)}.`);
  return value;
}

/**
 * Reads an experiment from its parsed `meta.yaml`, as the MLflow server does (an integer id is
 * read as its string form).
 *
 * @param meta - The parsed file.
 * @param file - Its path, named in errors.
 * @throws Error naming the file and key when a required key is missing or of the wrong type.
 */
export function experimentInfoFromMeta(meta: MetaYaml, file: string): MlrunsExperimentInfo {
  for (const key of EXPERIMENT_META_REQUIRED_KEYS) {
    if (!(key in meta)) throw new Error(`${file}: required key '${key}' is missing.`);
  }
  const id = meta['experiment_id'];
  const experimentId = typeof id === 'number' && Number.isSafeInteger(id) ? String(id) : id;
  const text = (key: string, value: unknown): string => {
    if (typeof value !== 'string') throw new Error(`${file}: '${key}' must be a string, got ${JSON.stringify(value)}.`);
    return value;
  };
  return {
    experimentId: text('experiment_id', experimentId),
    name: text('name', meta['name']),
    artifactLocation: text('artifact_location', meta['artifact_location']),
    lifecycleStage: text('lifecycle_stage', meta['lifecycle_stage']),
    creationTime: optionalTime(meta, 'creation_time', file),
    lastUpdateTime: optionalTime(meta, 'last_update_time', file),
  };
}

import { readFile, readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { splitSchema } from '@kdlab/core';
import { MODEL_JSON_NAME } from '@kdlab/core';
import { parseFileTrackingUri } from '@kdlab/tracking';
import { runInfoFromMeta } from '@kdlab/tracking';
import { findRunExperimentId } from '@kdlab/tracking';
import { readMetaYaml } from '@kdlab/tracking';
import { MLRUNS, runFolder } from '@kdlab/tracking';
import type { SplitFractions } from '@kdlab/core';
import type { ExportedRun } from './export-manifest.js';

/** Which save of a run's model to export: the float32 one, or a quantized one (`evaluate.quantize`). */
export type ModelVariant = 'float32' | 'uint8' | 'float16';

/** The variants of {@link ModelVariant}, in the order `--variant` lists them. */
export const MODEL_VARIANTS: readonly ModelVariant[] = ['float32', 'uint8', 'float16'];

/** The folder of each {@link ModelVariant} in a run's artifacts. */
export const MODEL_VARIANT_FOLDERS: Readonly<Record<ModelVariant, string>> = { float32: 'model', uint8: 'model-uint8', float16: 'model-float16' };

/** The data a model was trained on, as its run's `config.json` records it. */
export interface TrainedOnData {
  /** The dataset id. */
  readonly dataset: string;
  /** Its split's fractions. */
  readonly split: SplitFractions;
  /** The split's seed (the experiment seed). */
  readonly seed: number;
}

/** A model to export, found by {@link resolveModelSource}. */
export interface ModelSource {
  /** The absolute path of its `model.json`. */
  readonly modelJson: string;
  /** What was given: a path, a run id or a `runs:/` URI. */
  readonly input: string;
  /** The run it belongs to, when given as a run. */
  readonly run?: ExportedRun;
  /** What it was trained on, from the `config.json` of its run beside its folder, when there is one. */
  readonly trainedOn?: TrainedOnData;
}

/** What {@link resolveModelSource} is told besides the input. */
export interface ResolveModelSourceOptions {
  /** For a run id: which save (default float32: the run's `model/`). */
  readonly variant?: ModelVariant;
  /** The local store runs are looked up in: a folder or `file:` URI (default `$MLFLOW_TRACKING_URI`, else `./mlruns`). */
  readonly trackingUri?: string;
  /** What relative paths are resolved against (default: the process's folder). */
  readonly cwd?: string;
}

/** The model to export cannot be found or is not one; the message names what was looked at. */
export class ExportInputError extends Error {
  /** `'ExportInputError'`. */
  override readonly name = 'ExportInputError';
}

const RUN_ID = /^[0-9a-f]{32}$/i;
const RUNS_URI = /^runs:\/([^/]+)\/(.+?)\/?$/;

async function statOrUndefined(path: string): Promise<Awaited<ReturnType<typeof stat>> | undefined> {
  return stat(path).catch(() => undefined);
}

/** What `config.json` of a run says about its data, when the file is there and is kdlab's. */
async function trainedOnBeside(modelJson: string): Promise<TrainedOnData | undefined> {
  let config: unknown;
  try {
    config = JSON.parse(await readFile(join(dirname(dirname(modelJson)), 'config.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const record = config as { data?: { dataset?: unknown; split?: unknown }; seed?: unknown };
  if (typeof record?.data?.dataset !== 'string' || typeof record.seed !== 'number') return undefined;
  const split = splitSchema.safeParse(record.data.split ?? {});
  return split.success ? { dataset: record.data.dataset, split: split.data, seed: record.seed } : undefined;
}

async function modelJsonOfPath(path: string, input: string): Promise<string> {
  const found = await statOrUndefined(path);
  if (found === undefined) throw new ExportInputError(`${input}: no such file or folder.`);
  if (found.isDirectory()) {
    const modelJson = join(path, MODEL_JSON_NAME);
    if ((await statOrUndefined(modelJson))?.isFile() !== true) throw new ExportInputError(`${path} holds no ${MODEL_JSON_NAME}: give the folder of a saved model (model.json and its weights) or its model.json.`);
    return modelJson;
  }
  if (!path.endsWith('.json')) throw new ExportInputError(`${path} is not a model.json: give the folder of a saved model or its model.json.`);
  return path;
}

async function readTag(folder: string, key: string): Promise<string | undefined> {
  return readFile(join(folder, MLRUNS.tagsFolder, key), 'utf8').catch(() => undefined);
}

function storeRoot(trackingUri: string | undefined, cwd: string): string {
  const uri = trackingUri ?? process.env['MLFLOW_TRACKING_URI'] ?? './mlruns';
  if (/^https?:\/\//i.test(uri)) {
    throw new ExportInputError(`kdlab export reads runs from a local store only, not from ${uri}: download the model first (mlflow artifacts download -r <run id> -a model -d <folder>) and export that folder.`);
  }
  try {
    return parseFileTrackingUri(uri, cwd);
  } catch (error) {
    throw new ExportInputError((error as Error).message);
  }
}

async function modelOfRun(runId: string, artifactPath: string, input: string, options: ResolveModelSourceOptions): Promise<{ modelJson: string; run: ExportedRun }> {
  const root = storeRoot(options.trackingUri, options.cwd ?? process.cwd());
  if ((await statOrUndefined(root))?.isDirectory() !== true) throw new ExportInputError(`${input}: there is no run store at ${root} (give --tracking-uri <folder>).`);
  const experimentId = await findRunExperimentId(root, runId);
  if (experimentId === undefined) throw new ExportInputError(`${input}: the store ${root} has no run ${runId}.`);
  const folder = runFolder(root, experimentId, runId);
  const meta = await readMetaYaml(folder);
  const runName = meta === undefined ? undefined : runInfoFromMeta(meta, join(folder, MLRUNS.metaFile)).runName;
  const role = await readTag(folder, 'kdlab.role');
  const artifacts = join(folder, MLRUNS.artifactsFolder);
  const modelJson = join(artifacts, ...artifactPath.split('/'), MODEL_JSON_NAME);
  if ((await statOrUndefined(modelJson))?.isFile() !== true) {
    const saved = (await readdir(artifacts).catch(() => [] as string[])).filter((name) => name === 'model' || name.startsWith('model-')).sort();
    throw new ExportInputError(
      `${input}: run ${runId} has no model saved as ${artifactPath}/ (${saved.length === 0 ? 'it has no saved model: it ran with --no-save-models?' : `it has ${saved.map((name) => `${name}/`).join(', ')}`}).` +
        (artifactPath.startsWith('model-') ? ' Quantized saves come with evaluate.quantize in the experiment.' : ''),
    );
  }
  return { modelJson, run: { runId, experimentId, ...(runName !== undefined ? { runName } : {}), ...(role !== undefined ? { role } : {}), artifactPath } };
}

/**
 * Finds the model `kdlab export` is given:
 *
 * - a folder holding `model.json` (and its weights), or the path of a `model.json`;
 * - a run id (32 hex characters) of a local store: the run's `model/` artifacts, or with
 *   `variant` its `model-uint8/` or `model-float16/` (saved with `evaluate.quantize`);
 * - an MLflow model URI `runs:/<run id>/<artifact path>`, e.g. `runs:/<id>/model-uint8`.
 *
 * A path that exists wins over a run id. When the model's folder has a kdlab run's `config.json` beside
 * it (as in a run's artifacts), the dataset, split and seed it trained with come too.
 *
 * @param input - the argument given.
 * @param options - the variant, the store and the working folder.
 * @throws {@link ExportInputError} naming the path, run or store when nothing is found there.
 */
export async function resolveModelSource(input: string, options: ResolveModelSourceOptions = {}): Promise<ModelSource> {
  const cwd = options.cwd ?? process.cwd();
  const uri = RUNS_URI.exec(input);
  let found: { modelJson: string; run?: ExportedRun };
  if (uri) {
    if (options.variant !== undefined) throw new ExportInputError(`--variant does not go with ${input}: a runs:/ URI names the model's folder itself (runs:/<run id>/model-uint8).`);
    found = await modelOfRun(uri[1]!, uri[2]!, input, options);
  } else if ((await statOrUndefined(resolve(cwd, input))) === undefined && RUN_ID.test(input)) {
    found = await modelOfRun(input.toLowerCase(), MODEL_VARIANT_FOLDERS[options.variant ?? 'float32'], input, options);
  } else {
    if (options.variant !== undefined) throw new ExportInputError(`--variant picks a save of a run: it does not go with the path ${input} (export the folder of that save instead).`);
    found = { modelJson: await modelJsonOfPath(resolve(cwd, input), input) };
  }
  const trainedOn = await trainedOnBeside(found.modelJson);
  return { modelJson: found.modelJson, input, ...(found.run ? { run: found.run } : {}), ...(trainedOn ? { trainedOn } : {}) };
}

import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { bundleExportPage, type BrowserEntry } from './bundle-page.js';
import { EXPORT_FILES, weightsDtypeOf, type ExportManifest } from './export-manifest.js';
import { exportPageHtml } from './page-html.js';
import { ExportInputError, type ModelSource } from './resolve-model-source.js';
import { encodeSampleFile, type SampleSet } from './sample-file.js';

/** Examples per forward pass when the page and `predictExportFolder` predict the samples, unless told otherwise. */
export const DEFAULT_EXPORT_BATCH_SIZE = 100;

/** What {@link exportModel} writes. */
export interface ExportModelOptions {
  /** The model (see `resolveModelSource`). */
  readonly source: ModelSource;
  /** The folder to write: new, empty, or an earlier export (whose files are replaced). */
  readonly outDir: string;
  /** Test examples to predict in the page, when wanted. */
  readonly samples?: SampleSet;
  /** Examples per forward pass (default {@link DEFAULT_EXPORT_BATCH_SIZE}). */
  readonly batchSize?: number;
  /** The plugin packages' browser entries, whose custom layers the page registers (see `findBrowserEntries`). */
  readonly browserEntries: readonly BrowserEntry[];
}

/** What {@link exportModel} wrote. */
export interface ExportSummary {
  /** The export folder. */
  readonly outDir: string;
  /** The content of its `export.json`. */
  readonly manifest: ExportManifest;
  /** Bytes of the page's script bundle. */
  readonly bundleBytes: number;
  /** Bytes of the samples file (0 without samples). */
  readonly samplesBytes: number;
}

interface ModelJsonFile {
  modelTopology?: unknown;
  weightsManifest?: { paths?: unknown; weights?: { name: string; shape: number[]; dtype: string; quantization?: { dtype: string } }[] }[];
  userDefinedMetadata?: { kdlab?: { kind?: unknown } };
}

/** The layer class names of a Keras-style topology, nested models included. */
function layerClassNames(topology: unknown): Set<string> {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    const { class_name: className, config } = node as { class_name?: unknown; config?: { layers?: unknown; layer?: unknown } };
    if (typeof className === 'string') names.add(className);
    if (Array.isArray(config?.layers)) for (const layer of config.layers) visit(layer);
    if (config?.layer !== undefined) visit(config.layer);
  };
  const root = topology as { model_config?: unknown };
  visit(root?.model_config ?? topology);
  return names;
}

/** Reads and checks a model.json: its topology, and weight paths that stay inside its folder. */
async function readModelJson(path: string): Promise<{ json: ModelJsonFile; weightPaths: string[] }> {
  let json: ModelJsonFile;
  try {
    json = JSON.parse(await readFile(path, 'utf8')) as ModelJsonFile;
  } catch (error) {
    throw new ExportInputError(`Cannot read ${path}: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || typeof json.modelTopology !== 'object' || json.modelTopology === null || !Array.isArray(json.weightsManifest)) {
    throw new ExportInputError(`${path} is not a TensorFlow.js layers model.json (it needs "modelTopology" and "weightsManifest").`);
  }
  const weightPaths: string[] = [];
  for (const group of json.weightsManifest) {
    if (!Array.isArray(group.paths)) throw new ExportInputError(`${path}: a weights manifest group has no "paths".`);
    for (const weightPath of group.paths as unknown[]) {
      const normal = typeof weightPath === 'string' ? posix.normalize(weightPath) : '';
      if (normal === '' || normal.startsWith('../') || normal === '..' || posix.isAbsolute(normal) || /^[a-z][a-z0-9+.-]*:/i.test(normal)) {
        throw new ExportInputError(`${path}: weight file ${JSON.stringify(weightPath)} is not a path inside the model's folder.`);
      }
      weightPaths.push(normal);
    }
  }
  return { json, weightPaths };
}

/**
 * Checks that every layer class of the model is registered with TensorFlow.js in this process after
 * importing the browser entries, i.e. that the page's bundle will know them.
 */
async function checkLayerClasses(path: string, topology: unknown, entries: readonly BrowserEntry[]): Promise<void> {
  for (const entry of entries) await import(pathToFileURL(entry.file).href);
  const registered = tf.serialization.SerializationMap.getMap().classNameMap;
  const missing = [...layerClassNames(topology)].filter((name) => !(name in registered)).sort();
  if (missing.length > 0) {
    const from = entries.length === 0 ? 'no plugin package has a browser entry' : `the browser entries of ${entries.map((e) => e.packageName).join(', ')} do not register them`;
    throw new ExportInputError(`${path} uses layer classes that neither TensorFlow.js nor a plugin package registers for the page: ${missing.join(', ')} (${from}; give --plugin <package> whose <package>/browser registers them).`);
  }
}

/** Makes the folder ready: created when missing; an earlier export's files removed; anything else refused. */
async function prepareOutDir(outDir: string): Promise<void> {
  const found = await stat(outDir).catch(() => undefined);
  if (found === undefined) return void (await mkdir(outDir, { recursive: true }));
  if (!found.isDirectory()) throw new ExportInputError(`${outDir} is a file, not a folder to export into.`);
  const entries = await readdir(outDir);
  if (entries.length === 0) return;
  if (!entries.includes(EXPORT_FILES.manifest)) throw new ExportInputError(`${outDir} is not empty and holds no earlier export (${EXPORT_FILES.manifest}): give a new or empty folder.`);
  for (const name of Object.values(EXPORT_FILES)) await rm(join(outDir, name), { recursive: true, force: true });
}

/** The folder of TensorFlow.js's wasm binaries. */
function wasmBinariesFolder(): string {
  return dirname(fileURLToPath(import.meta.resolve('@tensorflow/tfjs-backend-wasm')));
}

/**
 * Writes a static folder that loads a model in a browser and predicts with it:
 *
 * - `index.html` and `kdlab-export.js` (TensorFlow.js with its cpu and wasm backends, the plugin
 *   packages' custom layers, and the page's script; see `bundleExportPage`), and `wasm/` (the wasm
 *   backend's binaries);
 * - `model/`: the model's `model.json` and weight files, copied byte for byte, which the page loads with
 *   stock `tf.loadLayersModel`;
 * - `samples.bin` (see `encodeSampleFile`), with samples;
 * - `export.json` ({@link ExportManifest}): what was exported, from where.
 *
 * The page must be served over http (browsers let no page opened from a file fetch its neighbours);
 * `serveFolder` does it. Before writing anything, the model's layer classes are checked against what
 * TensorFlow.js and the browser entries register.
 *
 * @param options - the model, the folder, the samples and the browser entries.
 * @throws {@link ExportInputError} when the model.json is not a model, uses a layer class no browser
 *   entry registers, or the folder holds something else than an earlier export.
 */
export async function exportModel(options: ExportModelOptions): Promise<ExportSummary> {
  const { source, outDir, samples } = options;
  const batchSize = options.batchSize ?? DEFAULT_EXPORT_BATCH_SIZE;
  const { json, weightPaths } = await readModelJson(source.modelJson);
  await checkLayerClasses(source.modelJson, json.modelTopology, options.browserEntries);
  const modelFolder = dirname(source.modelJson);
  const files = [basename(source.modelJson), ...weightPaths];
  const sizes = await Promise.all(
    files.map((file) =>
      stat(join(modelFolder, file)).then(
        (s) => s.size,
        () => {
          throw new ExportInputError(`Cannot read weight file ${join(modelFolder, file)} listed in ${source.modelJson}.`);
        },
      ),
    ),
  );
  await prepareOutDir(outDir);
  const bundle = await bundleExportPage(options.browserEntries);
  const target = join(outDir, EXPORT_FILES.modelFolder);
  for (const file of files) {
    await mkdir(dirname(join(target, file)), { recursive: true });
    await copyFile(join(modelFolder, file), join(target, file));
  }
  const samplesFile = samples ? encodeSampleFile(samples) : undefined;
  if (samplesFile) await writeFile(join(outDir, EXPORT_FILES.samples), samplesFile);
  await mkdir(join(outDir, EXPORT_FILES.wasmFolder), { recursive: true });
  const wasmFolder = wasmBinariesFolder();
  for (const name of (await readdir(wasmFolder)).filter((file) => file.endsWith('.wasm'))) await copyFile(join(wasmFolder, name), join(outDir, EXPORT_FILES.wasmFolder, name));
  const weights = json.weightsManifest!.flatMap((group) => group.weights ?? []);
  const topology = json.modelTopology as { config?: { name?: unknown }; model_config?: { config?: { name?: unknown } } };
  const name = topology.config?.name ?? topology.model_config?.config?.name;
  const kind = json.userDefinedMetadata?.kdlab?.kind;
  const manifest: ExportManifest = {
    format: 'kdlab-export',
    version: 1,
    model: {
      path: `${EXPORT_FILES.modelFolder}/${basename(source.modelJson)}`,
      name: typeof name === 'string' ? name : basename(modelFolder),
      ...(typeof kind === 'string' ? { kind } : {}),
      params: weights.reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1), 0),
      weightsDtype: weightsDtypeOf(weights),
      bytes: sizes.reduce((a, b) => a + b, 0),
    },
    source: { input: source.input, ...(source.run ? { run: source.run } : {}) },
    ...(samples ? { samples: { path: EXPORT_FILES.samples, count: samples.count, ...(samples.source ? { source: samples.source } : {}) } } : {}),
    batchSize,
    tfjsVersion: tf.version_core,
    createdAt: new Date().toISOString(),
  };
  await writeFile(join(outDir, EXPORT_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(join(outDir, EXPORT_FILES.bundle), bundle);
  await writeFile(join(outDir, EXPORT_FILES.page), exportPageHtml(manifest.model.name));
  return { outDir, manifest, bundleBytes: bundle.byteLength, samplesBytes: samplesFile?.byteLength ?? 0 };
}

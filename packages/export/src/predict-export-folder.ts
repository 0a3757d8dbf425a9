import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { modelFolderHandler } from '@kdlab/core';
import { EXPORT_FILES, type ExportManifest } from './export-manifest.js';
import { predictSamples, type SamplePredictions } from './predict-samples.js';
import { decodeSampleFile, type SampleSet } from './sample-file.js';

/** What {@link predictExportFolder} read and predicted. */
export interface ExportFolderPredictions {
  /** The export's `export.json`. */
  readonly manifest: ExportManifest;
  /** Its samples, decoded. */
  readonly samples: SampleSet;
  /** What the model predicted for them. */
  readonly predicted: SamplePredictions;
}

/**
 * Reads an export's manifest (`export.json`).
 *
 * @param folder - the export folder.
 * @throws Error naming the file when it is missing or is not a kdlab export's manifest.
 */
export async function readExportManifest(folder: string): Promise<ExportManifest> {
  const path = join(folder, EXPORT_FILES.manifest);
  let manifest: ExportManifest;
  try {
    manifest = JSON.parse(await readFile(path, 'utf8')) as ExportManifest;
  } catch (error) {
    throw new Error(`Cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (manifest?.format !== 'kdlab-export' || manifest.version !== 1) throw new Error(`${path} is not the manifest of a kdlab export (format kdlab-export, version 1).`);
  return manifest;
}

/**
 * Predicts, in Node, what the page of an export predicts in a browser: loads the exported model files
 * with `tf.loadLayersModel` and runs the exported samples through `predictSamples` (the page's own
 * function) with the export's batch size, on the current TensorFlow.js backend. The model's custom
 * layers must be registered in this process (import `@kdlab/students`, or the plugin's package).
 *
 * @param folder - the folder `kdlab export` wrote.
 * @throws Error when the export has no samples, or its files cannot be read.
 */
export async function predictExportFolder(folder: string): Promise<ExportFolderPredictions> {
  const manifest = await readExportManifest(folder);
  if (!manifest.samples) throw new Error(`The export in ${folder} has no samples to predict (export with --samples).`);
  const samplesPath = join(folder, manifest.samples.path);
  const samples = decodeSampleFile(new Uint8Array(await readFile(samplesPath)), samplesPath);
  const model = await tfl.loadLayersModel(modelFolderHandler(join(folder, manifest.model.path)));
  try {
    return { manifest, samples, predicted: await predictSamples(model, samples, manifest.batchSize) };
  } finally {
    model.dispose();
  }
}

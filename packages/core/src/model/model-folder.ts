import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { MODEL_JSON_NAME, WEIGHTS_NAME, type ModelFiles } from './model-files.js';

/**
 * Writes a model's files into a folder (`<folder>/model.json` and `<folder>/weights.bin`, the
 * folder made when missing) and measures them on disk.
 *
 * @param folder - the folder to write into.
 * @param files - the files of `modelFiles`.
 * @returns the bytes the two files take, as the file system reports their sizes.
 */
export async function writeModelFolder(folder: string, files: ModelFiles): Promise<number> {
  await mkdir(folder, { recursive: true });
  const jsonPath = join(folder, MODEL_JSON_NAME);
  const weightsPath = join(folder, WEIGHTS_NAME);
  await writeFile(jsonPath, files.modelJson);
  await writeFile(weightsPath, files.weights);
  const sizes = await Promise.all([stat(jsonPath), stat(weightsPath)]);
  return sizes.reduce((sum, s) => sum + s.size, 0);
}

/**
 * A TensorFlow.js load handler for a model saved in a folder (or a `model.json` path): it reads
 * `model.json` and every weights file its manifest lists, relative to it, and hands them to tfjs
 * as they are, so `tf.loadLayersModel(modelFolderHandler(dir))` decodes quantized weights with
 * tfjs's own code. Errors name the file that is missing or is not a model.
 *
 * @param path - the folder, or the path of its `model.json`.
 */
export function modelFolderHandler(path: string): tf.io.IOHandler {
  return { load: () => loadModelFolder(path) };
}

async function loadModelFolder(path: string): Promise<tf.io.ModelArtifacts> {
  const jsonPath = path.endsWith('.json') ? path : join(path, MODEL_JSON_NAME);
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(await readFile(jsonPath, 'utf8')) as tf.io.ModelJSON;
  } catch (cause) {
    throw new Error(`Cannot read the model topology ${jsonPath}: ${(cause as Error).message}`, { cause });
  }
  if (typeof modelJson !== 'object' || modelJson === null || modelJson.modelTopology == null || !Array.isArray(modelJson.weightsManifest)) {
    throw new Error(`${jsonPath} is not a TensorFlow.js model.json (it needs "modelTopology" and "weightsManifest").`);
  }
  return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const specs: tf.io.WeightsManifestEntry[] = [];
    const buffers: ArrayBuffer[] = [];
    for (const group of manifest) {
      specs.push(...group.weights);
      for (const weightsPath of group.paths) {
        const file = join(dirname(jsonPath), weightsPath);
        const bytes = await readFile(file).catch((cause: Error) => {
          throw new Error(`Cannot read weight file ${file} listed in ${jsonPath}: ${cause.message}`, { cause });
        });
        buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
      }
    }
    return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
  });
}

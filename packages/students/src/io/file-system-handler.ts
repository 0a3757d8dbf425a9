import * as tf from '@tensorflow/tfjs-core';

/** File name of the topology and manifest that {@link fileSystemHandler} writes. */
export const MODEL_JSON_FILE = 'model.json';
/** File name of the weights that {@link fileSystemHandler} writes. */
export const WEIGHTS_FILE = 'weights.bin';

/**
 * A TensorFlow.js `IOHandler` over the local file system, for Node without `tfjs-node`.
 *
 * Saving writes `<directory>/model.json` and `<directory>/weights.bin` in the standard layers
 * format (the layout `tfjs-node` writes), which a browser loads with `tf.loadLayersModel`
 * when both files are served side by side. Loading reads a `model.json` (the path may name the
 * file itself or its directory) and every weight file its manifest lists, relative to it.
 *
 * Node's `fs` and `path` are imported only when the handler runs, so importing this package in a
 * browser (e.g. to register `SeededDropout`) does not pull them in.
 *
 * @param path - a directory to save into or load from, or the path of a `model.json` to load.
 */
export function fileSystemHandler(path: string): tf.io.IOHandler {
  return {
    save: async (artifacts) => saveArtifacts(path, artifacts),
    load: async () => loadArtifacts(path),
  };
}

async function saveArtifacts(directory: string, artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
  const [{ mkdir, writeFile }, { join }] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new Error(`fileSystemHandler("${directory}"): only JSON model topologies can be saved, not binary (graph) ones.`);
  }
  await mkdir(directory, { recursive: true });
  const weights = tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? []);
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology ?? {},
    weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
    ...(artifacts.format !== undefined && { format: artifacts.format }),
    ...(artifacts.generatedBy !== undefined && { generatedBy: artifacts.generatedBy }),
    ...(artifacts.convertedBy !== undefined && { convertedBy: artifacts.convertedBy }),
    ...(artifacts.trainingConfig !== undefined && { trainingConfig: artifacts.trainingConfig }),
    ...(artifacts.signature !== undefined && { signature: artifacts.signature }),
    ...(artifacts.userDefinedMetadata !== undefined && { userDefinedMetadata: artifacts.userDefinedMetadata }),
  };
  await writeFile(join(directory, WEIGHTS_FILE), new Uint8Array(weights));
  await writeFile(join(directory, MODEL_JSON_FILE), JSON.stringify(modelJson));
  return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
}

async function loadArtifacts(path: string): Promise<tf.io.ModelArtifacts> {
  const [{ readFile }, { dirname, join }] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  const jsonPath = path.endsWith('.json') ? path : join(path, MODEL_JSON_FILE);
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(await readFile(jsonPath, 'utf8')) as tf.io.ModelJSON;
  } catch (cause) {
    throw new Error(`fileSystemHandler: cannot read the model topology ${jsonPath}: ${(cause as Error).message}`, { cause });
  }
  if (typeof modelJson !== 'object' || modelJson === null || modelJson.modelTopology == null || !Array.isArray(modelJson.weightsManifest)) {
    throw new Error(`fileSystemHandler: ${jsonPath} is not a TensorFlow.js model.json (it needs "modelTopology" and "weightsManifest").`);
  }
  return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const specs: tf.io.WeightsManifestEntry[] = [];
    const buffers: ArrayBuffer[] = [];
    for (const group of manifest) {
      specs.push(...group.weights);
      for (const weightPath of group.paths) {
        const file = join(dirname(jsonPath), weightPath);
        const bytes = await readFile(file).catch((cause: Error) => {
          throw new Error(`fileSystemHandler: cannot read weight file ${file} listed in ${jsonPath}: ${cause.message}`, { cause });
        });
        buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
      }
    }
    return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
  });
}

// The compression study's latency peers (repro/browser-latency, repro/node-latency) share this: the table's
// architectures, each built at its seed-0 initialisation and saved with kdlab's own writer, as float32 and
// quantized. TensorFlow.js computes in float32 whatever the weights' storage (a quantized file is
// dequantized on load) and skips no zeros, so latency is a property of the architecture and the backend,
// not of the weights' values: an untrained model times as its trained and pruned versions do.
import { join } from 'node:path';
import { captureArtifacts, createRootContainer, modelFiles, pluginRegistries, quantizeArtifacts, writeModelFolder, type ModelSpecInput, type QuantizationDtype } from '@kdlab/core';
import { datasetsModule } from '@kdlab/data';
import { lossesModule } from '@kdlab/losses';
import { studentsModule } from '@kdlab/students';
import { FITNETS_STUDENT, FITNETS_TEACHER } from '../../experiments/repro/fitnets-setting.js';

/** The architectures of the compression table, by the name its analysis reads (`teacher`, `student`). */
export const LATENCY_MODELS: readonly { name: 'teacher' | 'student'; spec: ModelSpecInput }[] = [
  { name: 'teacher', spec: FITNETS_TEACHER.model },
  { name: 'student', spec: FITNETS_STUDENT },
];

/** How a saved model's weights are stored: as trained, or quantized (see `quantizeArtifacts`). */
export type WeightsStorage = 'float32' | QuantizationDtype;

/** One architecture saved in one storage (`V`: the storages asked for). */
export interface SavedArchitecture<V extends WeightsStorage = WeightsStorage> {
  /** The architecture's name in {@link LATENCY_MODELS}. */
  model: 'teacher' | 'student';
  /** How its weights are stored. */
  variant: V;
  /** Its parameter count. */
  params: number;
  /** The folder holding its `model.json` and `weights.bin`. */
  folder: string;
  /** Bytes of the two files on disk. */
  bytes: number;
}

/**
 * Builds each of {@link LATENCY_MODELS} at its seed-0 initialisation (MNIST's input, 28x28x1, and 10
 * classes) and saves it once per storage, as `<folder>/<model>-<variant>/`. Call it after a backend is
 * selected; the models are disposed of before it returns.
 *
 * @param folder - where the model folders go (a scratch folder).
 * @param variants - the storages to save each architecture in, in this order.
 * @returns one entry per architecture and storage, architecture by architecture.
 */
export async function saveLatencyModels<V extends WeightsStorage>(folder: string, variants: readonly V[]): Promise<SavedArchitecture<V>[]> {
  const registries = pluginRegistries(createRootContainer(datasetsModule, lossesModule, studentsModule));
  const saved: SavedArchitecture<V>[] = [];
  for (const { name, spec } of LATENCY_MODELS) {
    const { kind, ...options } = spec as { kind: string } & Record<string, unknown>;
    const definition = registries.models.get(kind);
    const model = definition.build(definition.options.parse(options), { inputShape: [28, 28, 1], numClasses: 10, seed: 0 });
    const params = model.paramCount();
    const artifacts = await captureArtifacts(model);
    model.dispose();
    for (const variant of variants) {
      const storage: WeightsStorage = variant;
      const target = join(folder, `${name}-${storage}`);
      const bytes = await writeModelFolder(target, modelFiles(storage === 'float32' ? artifacts : quantizeArtifacts(artifacts, storage)));
      saved.push({ model: name, variant, params, folder: target, bytes });
    }
  }
  return saved;
}

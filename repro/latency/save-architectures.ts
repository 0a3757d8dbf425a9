// The latency peers (repro/browser-latency, repro/node-latency) share this: a study's architectures, each
// built at its seed-0 initialisation and saved with kdlab's own writer, as float32 and quantized.
// TensorFlow.js computes in float32 whatever the weights' storage (a quantized file is dequantized on load)
// and skips no zeros, so latency is a property of the architecture and the backend, not of the weights'
// values: an untrained model times as its trained and pruned versions do.
import { join } from 'node:path';
import { captureArtifacts, createRootContainer, modelFiles, pluginRegistries, quantizeArtifacts, writeModelFolder, type ModelSpecInput, type QuantizationDtype } from '@kdlab/core';
import { datasetsModule, SPAM_ASSASSIN_SEQUENCE_LENGTH } from '@kdlab/data';
import { lossesModule } from '@kdlab/losses';
import { studentsModule } from '@kdlab/students';
import { SPAM_STUDENT, SPAM_TEACHER } from '../../experiments/repro/distilbert-setting.js';
import { FITNETS_STUDENT, FITNETS_TEACHER } from '../../experiments/repro/fitnets-setting.js';

/** One architecture a latency peer times, by the name the study's analysis reads. */
export interface LatencyArchitecture {
  /** `teacher` or `student`. */
  name: 'teacher' | 'student';
  /** Its model spec, as the study's experiment files give it. */
  spec: ModelSpecInput;
}

/** What the architectures of one study are built for: the models, one example's shape and the classes. */
export interface LatencySetting {
  /** The architectures, in the order they are saved and timed. */
  architectures: readonly LatencyArchitecture[];
  /** One example's shape, without the batch dimension. */
  inputShape: readonly number[];
  /** Number of classes. */
  numClasses: number;
}

/** The architectures of the compression table (study 6's CNN teacher and thin-deep student), on MNIST's 28x28x1 digits, 10 classes. */
export const LATENCY_MODELS: readonly LatencyArchitecture[] = [
  { name: 'teacher', spec: FITNETS_TEACHER.model },
  { name: 'student', spec: FITNETS_STUDENT },
];

/** The compression study's setting: {@link LATENCY_MODELS} on MNIST digits. */
export const COMPRESSION_LATENCY: LatencySetting = { architectures: LATENCY_MODELS, inputShape: [28, 28, 1], numClasses: 10 };

/** The DistilBERT-style study's setting: the 4-layer transformer teacher and 2-layer student on rows of 128 token ids, ham / spam. */
export const SPAM_LATENCY: LatencySetting = {
  architectures: [
    { name: 'teacher', spec: SPAM_TEACHER.model },
    { name: 'student', spec: SPAM_STUDENT },
  ],
  inputShape: [SPAM_ASSASSIN_SEQUENCE_LENGTH],
  numClasses: 2,
};

/** How a saved model's weights are stored: as trained, or quantized (see `quantizeArtifacts`). */
export type WeightsStorage = 'float32' | QuantizationDtype;

/** One architecture saved in one storage (`V`: the storages asked for). */
export interface SavedArchitecture<V extends WeightsStorage = WeightsStorage> {
  /** The architecture's name in its {@link LatencySetting}. */
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
 * Builds each architecture of a setting at its seed-0 initialisation and saves it once per storage, as
 * `<folder>/<model>-<variant>/`. Call it after a backend is selected; the models are disposed of before it
 * returns.
 *
 * @param folder - where the model folders go (a scratch folder).
 * @param variants - the storages to save each architecture in, in this order.
 * @param setting - the architectures and what they take; default the compression study's ({@link COMPRESSION_LATENCY}).
 * @returns one entry per architecture and storage, architecture by architecture.
 */
export async function saveLatencyModels<V extends WeightsStorage>(folder: string, variants: readonly V[], setting: LatencySetting = COMPRESSION_LATENCY): Promise<SavedArchitecture<V>[]> {
  const registries = pluginRegistries(createRootContainer(datasetsModule, lossesModule, studentsModule));
  const saved: SavedArchitecture<V>[] = [];
  for (const { name, spec } of setting.architectures) {
    const { kind, ...options } = spec as { kind: string } & Record<string, unknown>;
    const definition = registries.models.get(kind);
    const model = definition.build(definition.options.parse(options), { inputShape: [...setting.inputShape], numClasses: setting.numClasses, seed: 0 });
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

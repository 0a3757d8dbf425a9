import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRootContainer, pluginRegistries, selectBackend, trainModel, trainSettingsSchema, type CheckpointValues, type Dataset, type TrainCheckpoint } from '@kdlab/core';
import { CheckpointStore } from '@kdlab/runner';
import { datasetsModule } from '@kdlab/data';
import { ceLoss, lossesModule } from '@kdlab/losses';
import { mlpModel, studentsModule } from '@kdlab/students';

const registries = pluginRegistries(createRootContainer(datasetsModule, lossesModule, studentsModule));
let data: Dataset;
let root: string;

// tfjs-node too where it is built (`kdlab native build`): its Adam moments are read into new tensors, freed after the checkpoint.
const backends = await selectBackend('node', undefined, { threads: 1 }).then(
  () => ['wasm', 'node'] as const,
  () => ['wasm'] as const,
);

beforeAll(async () => {
  data = await registries.datasets.get('mnist-10k').load({ split: { train: 0.8, val: 0.1, test: 0.1 }, seed: 0, limitTrain: 300 });
  root = await mkdtemp(join(tmpdir(), 'kdlab-checkpoint-values-'));
});

afterAll(() => rm(root, { recursive: true, force: true }));

/** Trains a small MLP (dropout, Adam, 3 epochs) and returns its checkpoints, each as the store gives it back, and its final weights. */
async function train(values: CheckpointValues, backend: string): Promise<{ stored: TrainCheckpoint[]; weights: Float32Array[]; tensorsLeft: number }> {
  const store = new CheckpointStore(join(root, backend, values));
  const model = mlpModel.build(mlpModel.options.parse({ hidden: [24], dropout: 0.3 }), { inputShape: data.inputShape, numClasses: 10, seed: 5 });
  const loss = ceLoss.create(ceLoss.options.parse({}), { numClasses: 10, seed: 1, trainSize: 300, hasTeacher: false, studentFeatureShapes: {}, teacherFeatureShapes: {} });
  const settings = trainSettingsSchema.parse({ epochs: 3, batchSize: 32, optimizer: { kind: 'adam', learningRate: 0.01 } });
  const stored: TrainCheckpoint[] = [];
  const before = tf.memory().numTensors;
  try {
    await trainModel({
      model,
      stages: [{ name: 'train', terms: [{ name: 'ce', weight: 1, loss }], settings }],
      data,
      seed: 7,
      checkpointValues: values,
      checkpoint: async (checkpoint) => {
        await store.save('students', 'k', { runId: 'r', checkpoint });
        stored.push((await store.load('students', 'k'))!.checkpoint);
      },
    });
    return { stored, weights: model.allVariables().map((variable) => Float32Array.from(variable.dataSync())), tensorsLeft: tf.memory().numTensors - before };
  } finally {
    model.dispose();
    loss.dispose();
  }
}

/** A checkpoint without what differs from run to run (times, timestamps, and variable names, which tfjs makes unique per process). */
function timeless({ seconds: _seconds, epochs, points, optimizer, ...rest }: TrainCheckpoint): unknown {
  return {
    ...rest,
    optimizer: optimizer.weights.map(({ name: _n, ...weight }) => weight),
    epochs: epochs.map(({ seconds: _s, ...epoch }) => epoch),
    points: points.filter((point) => !point.key.startsWith('time/')).map(({ timestamp: _t, ...point }) => point),
  };
}

describe("a training's checkpoints with values read on access", () => {
  for (const backend of backends) {
    it(`are stored bit for bit as copied ones, by a training that computes the same, and leave no tensor behind (${backend})`, async () => {
      await selectBackend(backend, undefined, { threads: 1 });
      const copied = await train('copied', backend);
      const onAccess = await train('on-access', backend);
      expect(onAccess.stored).toHaveLength(3);
      expect(onAccess.stored.map(timeless)).toEqual(copied.stored.map(timeless));
      onAccess.weights.forEach((values, i) => expect(Buffer.from(values.buffer).equals(Buffer.from(copied.weights[i]!.buffer))).toBe(true));
      expect(onAccess.tensorsLeft).toBe(0);
      expect(copied.tensorsLeft).toBe(0);
    });
  }
});

import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CachedTeacherLogits, LiveTeacher, createRootContainer, deriveSeed, pluginRegistries, predictLogits, selectBackend, trainModel, trainSettingsSchema, type Dataset, type Model, type TrainResult, type WeightedTerm } from '@kdlab/core';
import { datasetsModule } from '@kdlab/data';
import { ceLoss, hintonLoss, lossesModule } from '@kdlab/losses';
import { mlpModel, studentsModule } from '@kdlab/students';

const registries = pluginRegistries(createRootContainer(datasetsModule, lossesModule, studentsModule));
let data: Dataset;

beforeAll(async () => {
  await selectBackend('wasm');
  data = await registries.datasets.get('mnist-10k').load({ split: { train: 0.8, val: 0.1, test: 0.1 }, seed: 0, limitTrain: 1500 });
});

const settings = trainSettingsSchema.parse({ epochs: 3, batchSize: 64 });
const hasTeacher = { numClasses: 10, studentFeatureShapes: {}, teacherFeatureShapes: {}, seed: 0, trainSize: 1000 };

function mlp(hidden: number[], seed: number, dropout = 0): Model {
  return mlpModel.build(mlpModel.options.parse({ hidden, dropout }), { inputShape: data.inputShape, numClasses: 10, seed });
}

function ceTerm(): WeightedTerm {
  return { name: 'ce', weight: 1, loss: ceLoss.create(ceLoss.options.parse({}), { ...hasTeacher, hasTeacher: false }) };
}

function distillTerms(): WeightedTerm[] {
  return [
    { name: 'ce', weight: 0.3, loss: ceLoss.create(ceLoss.options.parse({}), { ...hasTeacher, hasTeacher: true }) },
    { name: 'hinton', weight: 0.7, loss: hintonLoss.create(hintonLoss.options.parse({ temperature: 4 }), { ...hasTeacher, hasTeacher: true }) },
  ];
}

async function trainFresh(seed: number): Promise<TrainResult> {
  const model = mlp([64], seed);
  try {
    return await trainModel({ model, stages: [{ name: 'train', terms: [ceTerm()], settings }], data, seed });
  } finally {
    model.dispose();
  }
}

describe('trainModel', () => {
  it('learns: a small MLP reaches far above chance on held-out digits within seconds', async () => {
    const result = await trainFresh(7);
    expect(result.testLast.accuracy).toBeGreaterThan(0.8);
    expect(result.epochs[2]!.loss).toBeLessThan(result.epochs[0]!.loss);
    expect(result.bestValAccuracy).toBe(Math.max(...result.epochs.map((e) => e.valAccuracy)));
  });

  it('frees every tensor of a step: the live tensor count is flat across epochs', async () => {
    const before = tf.memory().numTensors;
    const result = await trainFresh(3);
    const counts = result.epochs.map((epoch) => epoch.numTensors);
    expect(new Set(counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is deterministic: the same seed twice gives identical metrics', async () => {
    const a = await trainFresh(11);
    const b = await trainFresh(11);
    const strip = (r: TrainResult) => r.epochs.map(({ seconds: _s, ...rest }) => rest);
    expect(strip(a)).toEqual(strip(b));
    expect(a.testLast.accuracy).toBe(b.testLast.accuracy);
    const c = await trainFresh(12);
    expect(strip(c)).not.toEqual(strip(a));
  });

  it('never updates the teacher: its weights are bit-identical after distillation, cached or live', async () => {
    const teacher = mlp([96], 5, 0.3);
    await trainModel({ model: teacher, stages: [{ name: 'train', terms: [ceTerm()], settings: { ...settings, epochs: 1 } }], data, seed: 1 });
    const snapshot = teacher.allVariables().map((v) => v.dataSync().slice());
    const signals = [
      new CachedTeacherLogits(await predictLogits(teacher, data.train, 256), 10),
      new LiveTeacher(teacher, []),
    ];
    for (const signal of signals) {
      const student = mlp([32], deriveSeed(0, signal.mode));
      const terms = distillTerms();
      const result = await trainModel({ model: student, stages: [{ name: 'train', terms, settings: { ...settings, epochs: 1 } }], data, seed: 2, teacher: signal });
      expect(result.epochs[0]!.terms['hinton']).toBeGreaterThan(0);
      terms.forEach((term) => term.loss.dispose());
      student.dispose();
      teacher.allVariables().forEach((v, i) => expect(v.dataSync()).toEqual(snapshot[i]));
    }
    teacher.dispose();
  });

  it('gives the same result with cached teacher logits as with a live teacher forward', async () => {
    const teacher = mlp([96], 9);
    await trainModel({ model: teacher, stages: [{ name: 'train', terms: [ceTerm()], settings: { ...settings, epochs: 1 } }], data, seed: 1 });
    const run = async (signalMode: 'cached' | 'live') => {
      const signal = signalMode === 'cached' ? new CachedTeacherLogits(await predictLogits(teacher, data.train, 256), 10) : new LiveTeacher(teacher, []);
      const student = mlp([32], 4);
      const terms = distillTerms();
      const result = await trainModel({ model: student, stages: [{ name: 'train', terms, settings: { ...settings, epochs: 1 } }], data, seed: 2, teacher: signal });
      terms.forEach((term) => term.loss.dispose());
      student.dispose();
      return result.epochs[0]!;
    };
    const cached = await run('cached');
    const live = await run('live');
    expect(cached.loss).toBeCloseTo(live.loss, 5);
    expect(cached.valAccuracy).toBeCloseTo(live.valAccuracy, 2);
    teacher.dispose();
  });
});

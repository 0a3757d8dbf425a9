import { beforeAll, describe, expect, it } from 'vitest';
import { createRootContainer, pluginRegistries, selectBackend, trainModel, trainSettingsSchema, type Dataset, type MetricPoint, type Model, type TrainResult, type WeightedTerm } from '@kdlab/core';
import { datasetsModule } from '@kdlab/data';
import { ceLoss, lossesModule } from '@kdlab/losses';
import { mlpModel, studentsModule } from '@kdlab/students';

// Training with train.schedule, train.maxNorm and train.augment: small MLPs on 600 digits, a few
// epochs each, on the wasm backend.
const registries = pluginRegistries(createRootContainer(datasetsModule, lossesModule, studentsModule));
let data: Dataset;

beforeAll(async () => {
  await selectBackend('wasm');
  data = await registries.datasets.get('mnist-10k').load({ split: { train: 0.8, val: 0.1, test: 0.1 }, seed: 0, limitTrain: 600 });
});

const BATCH = 64;

function ceTerm(): WeightedTerm {
  return { name: 'ce', weight: 1, loss: ceLoss.create(ceLoss.options.parse({}), { numClasses: 10, studentFeatureShapes: {}, teacherFeatureShapes: {}, seed: 0, trainSize: data.train.count, hasTeacher: false }) };
}

interface Trained {
  result: TrainResult;
  points: MetricPoint[];
  /** The trained model's kernels (variables of rank 2 or more): shape and values. */
  kernels: Array<{ shape: number[]; values: Float32Array }>;
}

async function train(settings: Record<string, unknown>, seed = 3): Promise<Trained> {
  const model: Model = mlpModel.build(mlpModel.options.parse({ hidden: [32] }), { inputShape: data.inputShape, numClasses: 10, seed: 1 });
  const points: MetricPoint[] = [];
  try {
    const parsed = trainSettingsSchema.parse({ epochs: 3, batchSize: BATCH, ...settings });
    const result = await trainModel({ model, stages: [{ name: 'train', terms: [ceTerm()], settings: parsed }], data, seed, onMetrics: (batch) => void points.push(...batch) });
    const kernels = model.trainableVariables().filter((v) => v.rank >= 2).map((v) => ({ shape: [...v.shape], values: v.dataSync().slice() as Float32Array }));
    return { result, points, kernels };
  } finally {
    model.dispose();
  }
}

/** The L2 norm of each unit's incoming weights (the slice along the last axis), in plain JS. */
function unitNorms(kernel: { shape: number[]; values: Float32Array }): number[] {
  const units = kernel.shape[kernel.shape.length - 1]!;
  const sums = new Array<number>(units).fill(0);
  kernel.values.forEach((value, i) => (sums[i % units]! += value * value));
  return sums.map(Math.sqrt);
}

/**
 * What an epoch measured, without its timing and live tensor count (tfjs' momentum optimizer does not
 * free its learning-rate scalar on dispose, so the count of a later run can be one higher).
 */
function epochs(trained: Trained): unknown[] {
  return trained.result.epochs.map(({ seconds: _seconds, numTensors: _numTensors, ...rest }) => rest);
}

describe('trainModel with a learning-rate schedule', () => {
  it('logs train/learning_rate each epoch: the cosine rate of the epoch\'s last step, down to base * final', async () => {
    const base = 0.01;
    const final = 0.1;
    const trained = await train({ optimizer: { kind: 'adam', learningRate: base }, schedule: { kind: 'cosine', final } });
    const logged = trained.points.filter((point) => point.key === 'train/learning_rate');
    expect(logged.map((point) => point.step)).toEqual([1, 2, 3]);
    const steps = Math.ceil(data.train.count / BATCH);
    const total = 3 * steps;
    logged.forEach((point, epoch) => {
      const t = ((epoch + 1) * steps - 1) / (total - 1);
      expect(point.value, `epoch ${epoch + 1}`).toBeCloseTo(base * final + ((base - base * final) * (1 + Math.cos(Math.PI * t))) / 2, 12);
    });
    expect(logged[0]!.value).toBeGreaterThan(logged[1]!.value);
    expect(logged[1]!.value).toBeGreaterThan(logged[2]!.value);
    expect(logged[2]!.value).toBeCloseTo(base * final, 12);
  });

  it('logs no learning rate without a schedule or with the constant one, and the schedule changes the training', async () => {
    const plain = await train({ optimizer: { kind: 'sgd', learningRate: 0.1 } });
    const constant = await train({ optimizer: { kind: 'sgd', learningRate: 0.1 }, schedule: { kind: 'constant' } });
    expect(plain.points.some((point) => point.key === 'train/learning_rate')).toBe(false);
    expect(constant.points.some((point) => point.key === 'train/learning_rate')).toBe(false);
    expect(epochs(constant)).toEqual(epochs(plain));
    const annealed = await train({ optimizer: { kind: 'sgd', learningRate: 0.1 }, schedule: { kind: 'cosine' } });
    expect(annealed.result.epochs[0]!.loss).not.toBe(plain.result.epochs[0]!.loss);
  });
});

describe('trainModel with a max-norm constraint', () => {
  it('leaves every unit\'s incoming weights with a norm of at most maxNorm, and biases free', async () => {
    const maxNorm = 0.5;
    const free = await train({ optimizer: { kind: 'adam', learningRate: 0.01 } });
    // the constraint binds: without it, some units are far outside the ball
    expect(Math.max(...free.kernels.flatMap(unitNorms))).toBeGreaterThan(2 * maxNorm);
    const constrained = await train({ optimizer: { kind: 'adam', learningRate: 0.01 }, maxNorm });
    expect(constrained.kernels.map((kernel) => kernel.shape)).toEqual([
      [784, 32],
      [32, 10],
    ]);
    for (const [k, kernel] of constrained.kernels.entries()) {
      const norms = unitNorms(kernel);
      norms.forEach((norm, unit) => expect(norm, `kernel ${k}, unit ${unit}`).toBeLessThanOrEqual(maxNorm + 1e-5));
      // the constrained units sit on the sphere, not deep inside it
      expect(Math.max(...norms), `kernel ${k}`).toBeGreaterThan(maxNorm - 1e-3);
    }
    expect(constrained.result.testLast.accuracy).toBeGreaterThan(0.5);
  });
});

describe('trainModel with augmentation', () => {
  it('is deterministic for a fixed seed, differs from the unaugmented run, and never changes the dataset', async () => {
    const before = data.train.x.slice();
    const a = await train({ augment: { translate: 2 } }, 5);
    const b = await train({ augment: { translate: 2 } }, 5);
    expect(epochs(b)).toEqual(epochs(a));
    expect(b.kernels).toEqual(a.kernels);
    const plain = await train({}, 5);
    expect(epochs(plain)).not.toEqual(epochs(a));
    expect(plain.result.epochs[0]!.loss).not.toBe(a.result.epochs[0]!.loss);
    // translate 0 is the same as no augmentation
    const off = await train({ augment: { translate: 0 } }, 5);
    expect(epochs(off)).toEqual(epochs(plain));
    // the augmentation works on the batch's copy, not on the training split
    expect(data.train.x).toEqual(before);
    // it is only jitter: the augmented model still learns the digits
    expect(a.result.testLast.accuracy).toBeGreaterThan(0.5);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPruning, runExperiment } from '@kdlab/runner';
import { createRootContainer, pluginRegistries, prunedCount, pruningsModule, resolveExperiment, selectBackend, trainModel, trainSettingsSchema, type BackendInfo, type Dataset, type MetricPoint, type Model, type ResolvedPruneSpec, type TrainCheckpoint, type TrainStage } from '@kdlab/core';
import { createTracker, readMlrunsStore } from '@kdlab/tracking';
import { datasetsModule } from '@kdlab/data';
import { ceLoss, lossesModule } from '@kdlab/losses';
import { mlpModel, studentsModule } from '@kdlab/students';

// Magnitude pruning in real trainings: 600 MNIST digits, a 784-64-10 MLP.
const registries = pluginRegistries(createRootContainer(datasetsModule, pruningsModule, lossesModule, studentsModule));
const scratch = mkdtempSync(join(tmpdir(), 'kdlab-pruning-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let backend: BackendInfo;
let data: Dataset;

beforeAll(async () => {
  backend = await selectBackend('wasm');
  data = await registries.datasets.get('mnist-10k').load({ split: { train: 0.8, val: 0.1, test: 0.1 }, seed: 0, limitTrain: 600 });
});

const context = { numClasses: 10, seed: 0, trainSize: 600, hasTeacher: false, studentFeatureShapes: {}, teacherFeatureShapes: {} };
const settings = (epochs: number) => trainSettingsSchema.parse({ epochs, batchSize: 32, optimizer: { kind: 'adam', learningRate: 3e-3 } });

function mlp(seed: number): Model {
  return mlpModel.build(mlpModel.options.parse({ hidden: [64] }), { inputShape: data.inputShape, numClasses: 10, seed });
}

function stage(model: Model, name: string, epochs: number, prune?: Record<string, unknown>): TrainStage {
  const spec = prune ? ({ kind: 'magnitude', ...(registries.prunings.get('magnitude').options.parse(prune) as object) } as ResolvedPruneSpec) : undefined;
  return {
    name,
    terms: [{ name: 'ce', weight: 1, loss: ceLoss.create(ceLoss.options.parse({}), context) }],
    settings: settings(epochs),
    ...(spec ? { pruning: createPruning(registries, model, spec, epochs, 0, `stages.${name}.prune`) } : {}),
  };
}

/** The zeros of a saved tensor. */
const zeros = (values: ArrayLike<number>): number => Array.from(values).filter((value) => value === 0).length;
/** The positions of a saved tensor's zeros. */
const zeroPositions = (values: ArrayLike<number>): number[] => Array.from(values).flatMap((value, i) => (value === 0 ? [i] : []));

/** Trains `model` through `stages`, keeping every point logged and, when asked, every end-of-epoch checkpoint. */
async function train(model: Model, stages: TrainStage[], withCheckpoints = true) {
  const checkpoints: TrainCheckpoint[] = [];
  const points: MetricPoint[] = [];
  const result = await trainModel({ model, stages, data, seed: 5, onMetrics: (logged) => void points.push(...logged), ...(withCheckpoints ? { checkpoint: async (c: TrainCheckpoint) => void checkpoints.push(c) } : {}) });
  return { result, checkpoints, points, last: (key: string) => points.filter((point) => point.key === key).at(-1)?.value };
}

describe('magnitude pruning in a real training', () => {
  it('one-shot to 80% after a dense stage: exactly ⌊0.8 · n⌋ zeros per kernel through fine-tuning and a later unpruned stage, and still far above chance', async () => {
    const model = mlp(1);
    try {
      const kernels = [0, 2]; // hidden1/kernel [784, 64], logits/kernel [64, 10]
      const sizes = kernels.map((i) => model.trainableVariables()[i]!.size);
      const stages = [stage(model, 'dense', 2), stage(model, 'prune', 2, { sparsity: 0.8 }), stage(model, 'after', 1)];
      const { result, checkpoints, last } = await train(model, stages);
      expect(checkpoints.map((c) => [c.epoch, c.stage])).toEqual([[1, 0], [2, 0], [3, 1], [4, 1], [5, 2]]);
      // before pruning: no masks, no zeros
      expect(checkpoints[1]!.pruning).toBeUndefined();
      expect(zeros(checkpoints[1]!.weights[0]!.values)).toBe(0);
      // from the pruned stage's first epoch on: the same ⌊0.8 · n⌋ positions are zero, in stage 3 as well
      const expected = sizes.map((n) => prunedCount(0.8, n));
      expect(expected).toEqual([40140, 512]);
      const positions = kernels.map((i) => zeroPositions(checkpoints[2]!.weights[i]!.values));
      for (const checkpoint of checkpoints.slice(2)) {
        expect(kernels.map((i) => zeros(checkpoint.weights[i]!.values)), `epoch ${checkpoint.epoch}`).toEqual(expected);
        kernels.forEach((i, k) => expect(zeroPositions(checkpoint.weights[i]!.values)).toEqual(positions[k]));
        expect(checkpoint.pruning!.masks.map((m) => [m.variable, zeros(m.mask.values)])).toEqual([[0, 40140], [2, 512]]);
        // biases are not pruned
        expect(zeros(checkpoint.weights[1]!.values)).toBeLessThan(5);
      }
      // the model left and its size
      const nonzero = model.trainableVariables().reduce((sum, v) => sum + v.size - zeros(v.dataSync()), 0);
      expect(result.size!.nonzeroParams).toBe(nonzero);
      expect(result.size!.prunedTensorNonzero).toBe(sizes[0]! + sizes[1]! - 40140 - 512);
      expect(last('model/sparsity')).toBeCloseTo((40140 + 512) / (sizes[0]! + sizes[1]!), 12);
      expect(last('model/nonzero_params')).toBe(nonzero);
      expect(last('model/sparse_bytes')).toBe(result.size!.sparseBytes);
      expect(result.size!.sparseBytes).toBeLessThan(model.paramCount() * 4 * 0.35);
      // the best epoch is one of the pruned model (epochs 3 to 5), never the dense stage's
      expect(result.bestEpoch).toBeGreaterThanOrEqual(3);
      expect(result.testLast.accuracy).toBeGreaterThan(0.7);
      expect(result.testBest.accuracy).toBeGreaterThan(0.7);
    } finally {
      model.dispose();
    }
  });

  it('polynomial, global scope: the sparsity logged per epoch rises along the schedule to exactly 80% at endEpoch; no tensor is left behind', async () => {
    const before = tf.memory().numTensors;
    const model = mlp(2);
    try {
      const steps = Math.ceil(data.train.count / 32);
      const { result, points } = await train(model, [stage(model, 'gradual', 4, { sparsity: 0.8, schedule: 'polynomial', endEpoch: 3, frequency: 4, scope: 'global' })], false);
      const masked = 784 * 64 + 64 * 10;
      const perEpoch = points.filter((point) => point.key === 'train/sparsity').map((point) => point.value);
      expect(perEpoch).toHaveLength(4);
      for (let e = 1; e < 4; e += 1) expect(perEpoch[e]!).toBeGreaterThanOrEqual(perEpoch[e - 1]!);
      // after epoch 1 (steps done = steps): the last pruning step at or before it set the sparsity
      const lastPruningStep = Math.floor(steps / 4) * 4;
      expect(perEpoch[0]).toBe(Math.floor((0.8 - 0.8 * (1 - lastPruningStep / (3 * steps)) ** 3) * masked + 1e-6) / masked);
      expect(perEpoch[2]).toBe(prunedCount(0.8, masked) / masked);
      expect(perEpoch[3]).toBe(perEpoch[2]);
      const [kernel, , head] = model.trainableVariables();
      const kernelZeros = zeros(kernel!.dataSync()) + zeros(head!.dataSync());
      expect(kernelZeros).toBe(prunedCount(0.8, masked));
      expect(result.bestEpoch).toBeGreaterThanOrEqual(3);
      expect(result.testLast.accuracy).toBeGreaterThan(0.7);
    } finally {
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('a pruned stage in an experiment', () => {
  it('prunes the distilled student and the baseline alike, logs their sizes, and leaves the teacher dense', async () => {
    const experiment = resolveExperiment(
      {
        name: 'pruning-test',
        data: { dataset: 'mnist-10k', limitTrain: 600 },
        teacher: { model: { kind: 'mlp', hidden: [64] }, train: { epochs: 1 } },
        student: { model: { kind: 'mlp', hidden: [32] } },
        stages: [
          { epochs: 1, losses: [{ kind: 'ce', weight: 0.3 }, { kind: 'hinton', weight: 0.7 }] },
          { epochs: 1, losses: [{ kind: 'ce', weight: 0.3 }, { kind: 'hinton', weight: 0.7 }], prune: { kind: 'magnitude', sparsity: 0.75, exclude: ['logits'] } },
        ],
        train: { batchSize: 32 },
      },
      registries,
      'test/pruning.int.test.ts',
    );
    expect(experiment.stages![1]!.prune).toEqual({ kind: 'magnitude', sparsity: 0.75, schedule: 'one-shot', scope: 'layer', exclude: ['logits'] });
    expect(experiment.stages![0]).not.toHaveProperty('prune');
    const store = join(scratch, 'mlruns');
    const tracker = createTracker(`file:${store}`);
    let invocation: string;
    try {
      invocation = (await runExperiment({ registries, tracker, backend, experiment })).invocation;
    } finally {
      await tracker.close();
    }
    const runs = (await readMlrunsStore(store)).runs.filter((r) => r.tags['kdlab.invocation'] === invocation);
    const byRole = (role: string) => runs.find((r) => r.tags['kdlab.role'] === role)!;
    const last = (role: string, key: string) => byRole(role).metrics[key]?.at(-1)?.value;
    const hidden = 784 * 32;
    for (const role of ['distilled', 'baseline']) {
      // only hidden1/kernel is pruned: 75% of it
      expect(last(role, 'model/sparsity'), role).toBe(prunedCount(0.75, hidden) / hidden);
      expect(last(role, 'model/nonzero_params'), role).toBeLessThanOrEqual(hidden - prunedCount(0.75, hidden) + 32 + 32 * 10 + 10);
      expect(last(role, 'model/sparse_bytes'), role).toBeLessThan(last(role, 'model/bytes')! / 2);
      expect(last(role, 'test/accuracy'), role).toBeGreaterThan(0.4);
      expect(byRole(role).params['role.training'], role).toContain('pruned');
    }
    expect(byRole('teacher').metrics['model/sparsity']).toBeUndefined();
  });
});

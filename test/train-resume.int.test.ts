import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LiveTeacher, createRootContainer, magnitudePruning, pluginRegistries, pruningsModule, selectBackend, trainModel, trainSettingsSchema, type Dataset, type MetricPoint, type Model, type PruningInstance, type TrainCheckpoint, type TrainResult, type TrainStage } from '@kdlab/core';
import { createPruning } from '@kdlab/runner';
import { datasetsModule } from '@kdlab/data';
import { ceLoss, dkdLoss, hintLoss, hintonLoss, lossesModule } from '@kdlab/losses';
import { mlpModel, studentsModule } from '@kdlab/students';

/**
 * A training resumed from any of its end-of-epoch checkpoints computes exactly what the uninterrupted
 * training computes: the same final weights, bit for bit, and the same metrics (times aside).
 */
const registries = pluginRegistries(createRootContainer(datasetsModule, pruningsModule, lossesModule, studentsModule));
let data: Dataset;

beforeAll(async () => {
  await selectBackend('wasm');
  data = await registries.datasets.get('mnist-10k').load({ split: { train: 0.8, val: 0.1, test: 0.1 }, seed: 0, limitTrain: 600 });
});

const context = { numClasses: 10, seed: 3, trainSize: 600, hasTeacher: true };

function mlp(hidden: number[], seed: number, dropout = 0, inputDropout = 0): Model {
  return mlpModel.build(mlpModel.options.parse({ hidden, dropout, inputDropout }), { inputShape: data.inputShape, numClasses: 10, seed });
}

/** What a training left: its result, its final weights, what it logged, and its checkpoints. */
interface Outcome {
  result: TrainResult;
  weights: Float32Array[];
  points: MetricPoint[];
  checkpoints: TrainCheckpoint[];
}

/** A recipe: builds the model, its teacher and stages afresh (as a new process would), then trains. */
type Recipe = () => { model: Model; stages: TrainStage[]; teacher?: Model; seed: number };

async function train(recipe: Recipe, resumeFrom?: TrainCheckpoint): Promise<Outcome> {
  const { model, stages, teacher, seed } = recipe();
  const points: MetricPoint[] = [];
  const checkpoints: TrainCheckpoint[] = [];
  try {
    const result = await trainModel({
      model,
      stages,
      data,
      seed,
      ...(teacher ? { teacher: new LiveTeacher(teacher, ['hidden1']) } : {}),
      onMetrics: (logged) => void points.push(...logged),
      checkpoint: async (checkpoint) => void checkpoints.push(checkpoint),
      ...(resumeFrom ? { resumeFrom } : {}),
    });
    return { result, weights: model.allVariables().map((variable) => Float32Array.from(variable.dataSync())), points, checkpoints };
  } finally {
    model.dispose();
    teacher?.dispose();
    for (const stage of stages) for (const term of stage.terms) term.loss.dispose();
  }
}

const bytes = (values: Float32Array): Buffer => Buffer.from(values.buffer, values.byteOffset, values.byteLength);
const TIMES = /^time\/|^memory\//;
/** The last value logged at each (key, step), times aside: what a run's metric history shows. */
function history(points: MetricPoint[]): Map<string, number> {
  return new Map(points.filter((point) => !TIMES.test(point.key)).map((point) => [`${point.key}@${point.step}`, point.value]));
}

function expectSameTraining(resumed: Outcome, whole: Outcome): void {
  expect(resumed.weights.length).toBe(whole.weights.length);
  resumed.weights.forEach((values, i) => expect(bytes(values).equals(bytes(whole.weights[i]!))).toBe(true));
  expect(history(resumed.points)).toEqual(history(whole.points));
  const strip = ({ seconds: _s, numTensors: _n, ...rest }: TrainResult['epochs'][number]) => rest;
  expect(resumed.result.epochs.map(strip)).toEqual(whole.result.epochs.map(strip));
  expect(resumed.result.testLast).toEqual(whole.result.testLast);
  expect(resumed.result.testBest).toEqual(whole.result.testBest);
  expect(resumed.result.bestEpoch).toBe(whole.result.bestEpoch);
}

describe('a training resumed from a checkpoint', () => {
  it('is bit-identical to the uninterrupted one: dropout masks, momentum, a cosine schedule, jitter and max-norm', async () => {
    const settings = trainSettingsSchema.parse({
      epochs: 4,
      batchSize: 64,
      optimizer: { kind: 'sgd', learningRate: 0.05, momentum: 0.9 },
      schedule: { kind: 'cosine', warmupEpochs: 1, final: 0.1 },
      augment: { translate: 1 },
      maxNorm: 3,
    });
    const recipe: Recipe = () => ({
      model: mlp([48], 5, 0.3, 0.2),
      stages: [{ name: 'train', terms: [{ name: 'ce', weight: 1, loss: ceLoss.create(ceLoss.options.parse({}), { ...context, studentFeatureShapes: {}, teacherFeatureShapes: {}, hasTeacher: false }) }], settings }],
      seed: 11,
    });
    const whole = await train(recipe);
    expect(whole.checkpoints.map((checkpoint) => checkpoint.epoch)).toEqual([1, 2, 3, 4]);
    // Taking a checkpoint frees what it allocates: the live tensors stay flat from epoch to epoch.
    expect(new Set(whole.result.epochs.map((summary) => summary.numTensors)).size).toBe(1);
    for (const at of [1, 2, 3]) expectSameTraining(await train(recipe, whole.checkpoints[at - 1]), whole);
  });

  it('is bit-identical across FitNets stages: a hint regressor and Adam in stage 1, a live teacher and the DKD warm-up (loss state) in stage 2, resumed mid-stage and at the boundary', async () => {
    const adam = (epochs: number) => trainSettingsSchema.parse({ epochs, batchSize: 50, optimizer: { kind: 'adam', learningRate: 2e-3 } });
    const recipe: Recipe = () => {
      const teacher = mlp([40], 1);
      const model = mlp([24], 2, 0.1);
      const shapes = { studentFeatureShapes: model.featureShapes(), teacherFeatureShapes: teacher.featureShapes() };
      const hint = hintLoss.create(hintLoss.options.parse({ student: 'hidden1', teacher: 'hidden1' }), { ...context, ...shapes });
      const ce = ceLoss.create(ceLoss.options.parse({}), { ...context, ...shapes });
      const kd = hintonLoss.create(hintonLoss.options.parse({ temperature: 4 }), { ...context, ...shapes });
      const dkd = dkdLoss.create(dkdLoss.options.parse({ temperature: 4, warmupEpochs: 2 }), { ...context, ...shapes });
      return {
        model,
        teacher,
        seed: 4,
        stages: [
          { name: 'hints', terms: [{ name: 'hint', weight: 1, loss: hint }], settings: adam(2), modelVariables: model.variablesUpTo('hidden1') },
          { name: 'kd', terms: [{ name: 'ce', weight: 0.3, loss: ce }, { name: 'hinton', weight: { schedule: 'linear', from: 4, to: 1 }, loss: kd }, { name: 'dkd', weight: 0.5, loss: dkd }], settings: adam(3) },
        ],
      };
    };
    const whole = await train(recipe);
    expect(whole.checkpoints.map((checkpoint) => [checkpoint.epoch, checkpoint.stage])).toEqual([[1, 0], [2, 0], [3, 1], [4, 1], [5, 1]]);
    expect(whole.checkpoints[0]!.losses[0]!.variables.length).toBeGreaterThan(0); // the regressor
    expect(whole.checkpoints[3]!.losses[2]!.state?.values['examplesSeen']).toBe(2 * data.train.count); // the DKD warm-up counter
    for (const at of [1, 2, 4]) expectSameTraining(await train(recipe, whole.checkpoints[at - 1]), whole);
  });

  it('is bit-identical with pruning: one-shot masks set in stage 2 and kept in stage 3, and a polynomial schedule whose masks change mid-stage, resumed mid-stage', async () => {
    const sgd = (epochs: number) => trainSettingsSchema.parse({ epochs, batchSize: 64, optimizer: { kind: 'sgd', learningRate: 0.05, momentum: 0.9 } });
    const ce = () => ({ name: 'ce', weight: 1, loss: ceLoss.create(ceLoss.options.parse({}), { ...context, studentFeatureShapes: {}, teacherFeatureShapes: {}, hasTeacher: false }) });
    const prune = (model: Model, epochs: number, options: Record<string, unknown>): PruningInstance =>
      createPruning(registries, model, { kind: 'magnitude', ...(magnitudePruning.options.parse(options) as object) }, epochs, 0, 'stages.0.prune');
    const oneShot: Recipe = () => {
      const model = mlp([32], 6, 0.2);
      return {
        model,
        seed: 8,
        stages: [
          { name: 'dense', terms: [ce()], settings: sgd(1) },
          { name: 'prune', terms: [ce()], settings: sgd(2), pruning: prune(model, 2, { sparsity: 0.7, scope: 'global' }) },
          { name: 'after', terms: [ce()], settings: sgd(1) },
        ],
      };
    };
    const whole = await train(oneShot);
    expect(whole.checkpoints.map((checkpoint) => checkpoint.pruning?.masks.length ?? 0)).toEqual([0, 2, 2, 2]);
    for (const at of [1, 2, 3]) expectSameTraining(await train(oneShot, whole.checkpoints[at - 1]), whole);
    await expect(train(oneShot, { ...whole.checkpoints[1]!, pruning: undefined } as TrainCheckpoint)).rejects.toThrow('The checkpoint holds no pruning masks, but stage 2 prunes.');

    // 10 steps an epoch (600 / 64): masks at steps 5, 8, 11, ..., 29 and 30 (endEpoch 3), several in each of epochs 1 to 3
    const gradual: Recipe = () => {
      const model = mlp([32], 7);
      return {
        model,
        seed: 9,
        stages: [{ name: 'gradual', terms: [ce()], settings: sgd(4), pruning: prune(model, 4, { sparsity: 0.8, schedule: 'polynomial', initialSparsity: 0.1, startEpoch: 0.5, endEpoch: 3, frequency: 3 }) }],
      };
    };
    const gradually = await train(gradual);
    const sparsity = gradually.points.filter((point) => point.key === 'train/sparsity').map((point) => point.value);
    expect(new Set(sparsity.slice(0, 3)).size).toBe(3);
    expect(sparsity[3]).toBe(sparsity[2]);
    for (const at of [1, 2, 3]) expectSameTraining(await train(gradual, gradually.checkpoints[at - 1]), gradually);
  });

  it('refuses a checkpoint that does not fit the training, naming what differs', async () => {
    const settings = trainSettingsSchema.parse({ epochs: 2, batchSize: 64 });
    const recipe = (hidden: number[]): Recipe => () => ({
      model: mlp(hidden, 5),
      stages: [{ name: 'train', terms: [{ name: 'ce', weight: 1, loss: ceLoss.create(ceLoss.options.parse({}), { ...context, studentFeatureShapes: {}, teacherFeatureShapes: {}, hasTeacher: false }) }], settings }],
      seed: 1,
    });
    const whole = await train(recipe([16]));
    await expect(train(recipe([17]), whole.checkpoints[0])).rejects.toThrow(/variable "[^"]+" is float32 \[16, 17\]|\[784, 16\], but variable "[^"]+" is float32 \[784, 17\]/);
    await expect(train(recipe([16]), { ...whole.checkpoints[0]!, epoch: 9 })).rejects.toThrow('outside this training\'s epochs 1 to 2');
    expect(tf.memory().numTensors).toBeLessThan(200);
  });
});

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyTransferSet, gatherMatrixRows, datasetsModule } from '@kdlab/data';
import { CachedTeacherLogits, createRootContainer, LiveTeacher, predictLogits, trainModel, trainSettingsSchema, pluginRegistries, resolveExperiment, selectBackend, type BackendInfo, type Dataset, type TrainProgress, type WeightedTerm } from '@kdlab/core';
import { createTracker, readMlrunsStore, validateMlrunsStore, type MlrunsRunRecord } from '@kdlab/tracking';
import { runExperiment, TrainedModelCache, type ExperimentResult, type RunReporter } from '@kdlab/runner';
import { ceLoss, hintonLoss, lossesModule } from '@kdlab/losses';
import { mlpModel, studentsModule } from '@kdlab/students';

// The students' transfer set (data.transfer) and the bias shift (evaluate.biasShift) end to end, in
// process: 600 training digits, the 3s left out of the students' transfer set, small MLPs, 2 epochs.
const scratch = mkdtempSync(join(tmpdir(), 'kdlab-transfer-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const registries = pluginRegistries(createRootContainer(datasetsModule, lossesModule, studentsModule));
const BATCH = 32;
const LIMIT_TRAIN = 600;
let backend: BackendInfo;
let data: Dataset;

beforeAll(async () => {
  backend = await selectBackend('wasm');
  // the data the runner loads: the default split, the experiment's seed
  data = await registries.datasets.get('mnist-10k').load({ split: { train: 0.8, val: 0.1, test: 0.1 }, seed: 1, limitTrain: LIMIT_TRAIN });
});

function experiment(transfer: Record<string, unknown>) {
  return resolveExperiment(
    {
      name: 'transfer-set-test',
      data: { dataset: 'mnist-10k', limitTrain: LIMIT_TRAIN, transfer },
      teacher: { model: { kind: 'mlp', hidden: [64] }, train: { epochs: 2 } },
      student: { model: { kind: 'mlp', hidden: [32] } },
      losses: [
        { kind: 'ce', weight: 0.3 },
        { kind: 'hinton', temperature: 4, weight: 0.7 },
      ],
      train: { epochs: 2, batchSize: BATCH, optimizer: { kind: 'adam', learningRate: 0.003 } },
      evaluate: { biasShift: {} },
      seed: 1,
    },
    registries,
    'test/transfer-set.int.test.ts',
  );
}

/** A reporter that keeps the notes and each run's steps per epoch. */
class RecordingReporter implements RunReporter {
  readonly notes: string[] = [];
  readonly stepsPerEpoch = new Map<string, number>();
  roleStarted(): void {}
  roleFinished(): void {}
  progress(name: string, event: TrainProgress): void {
    if (event.kind === 'epoch-start') this.stepsPerEpoch.set(name, event.steps);
  }
  note(message: string): void {
    this.notes.push(message);
  }
}

const store = join(scratch, 'mlruns');
const cacheDir = join(scratch, 'cache');

async function run(transfer: Record<string, unknown>): Promise<{ result: ExperimentResult; reporter: RecordingReporter }> {
  const reporter = new RecordingReporter();
  const tracker = createTracker(`file:${store}`);
  try {
    const result = await runExperiment({ registries, tracker, backend, reporter, cache: new TrainedModelCache(cacheDir), experiment: experiment(transfer) });
    return { result, reporter };
  } finally {
    await tracker.close();
  }
}

function lastValue(run: MlrunsRunRecord, key: string): number {
  const points = run.metrics[key];
  if (!points || points.length === 0) throw new Error(`run ${run.info.runId} (${run.tags['kdlab.role']}) logged no ${key}`);
  return points[points.length - 1]!.value;
}

function count(labels: Int32Array, label: number): number {
  return labels.reduce((sum, y) => sum + (y === label ? 1 : 0), 0);
}

describe('a transfer set without the 3s, with the bias shift', () => {
  let first: { result: ExperimentResult; reporter: RecordingReporter };
  let runs: MlrunsRunRecord[];

  beforeAll(async () => {
    first = await run({ omitClasses: [3] });
    const contents = await readMlrunsStore(store);
    runs = contents.runs.filter((r) => r.tags['kdlab.invocation'] === first.result.invocation);
  });

  const byRole = (role: string): MlrunsRunRecord => runs.find((r) => r.tags['kdlab.role'] === role)!;

  it('trains the teacher on the whole training split and the students on the split without the 3s', () => {
    const threes = count(data.train.y, 3);
    expect(threes).toBeGreaterThan(30);
    const kept = data.train.count - threes;
    expect(first.reporter.notes).toContain(`transfer set: ${kept} of ${data.train.count} training examples ({"omitClasses":[3]})`);
    expect(first.reporter.stepsPerEpoch.get('teacher')).toBe(Math.ceil(data.train.count / BATCH));
    expect(first.reporter.stepsPerEpoch.get('baseline')).toBe(Math.ceil(kept / BATCH));
    expect(first.reporter.stepsPerEpoch.get('distilled')).toBe(Math.ceil(kept / BATCH));
    expect(Math.ceil(kept / BATCH)).toBeLessThan(Math.ceil(data.train.count / BATCH));
    // the distilled student reads the teacher's cached logits, gathered for the rows it keeps
    expect(byRole('distilled').tags['kdlab.teacher_signal']).toBe('cached-logits');
  });

  it('logs test errors in all and per class for every run, and the shifted ones for the students', async () => {
    expect(await validateMlrunsStore(store)).toEqual([]);
    expect(runs.map((r) => r.tags['kdlab.role']).sort()).toEqual(['baseline', 'distilled', 'teacher']);
    const testThrees = count(data.test.y, 3);
    for (const r of runs) {
      const role = r.tags['kdlab.role'];
      const perClass = Array.from({ length: 10 }, (_, c) => lastValue(r, `test/errors_class_${c}`));
      expect(lastValue(r, 'test/errors'), role).toBe(perClass.reduce((a, b) => a + b, 0));
      expect(lastValue(r, 'test/errors'), role).toBe(Math.round((1 - lastValue(r, 'test/accuracy')) * data.test.count));
      expect(perClass[3]!, role).toBeLessThanOrEqual(testThrees);
    }
    expect(Object.keys(byRole('teacher').metrics).filter((key) => key.includes('shift'))).toEqual([]);
    // the teacher saw 3s; the students never did, and miss most of them before the shift
    expect(lastValue(byRole('teacher'), 'test/errors_class_3')).toBeLessThan(testThrees / 2);
    for (const role of ['baseline', 'distilled']) {
      const r = byRole(role);
      for (const key of ['bias_shift/value', 'val/shifted/accuracy', 'val/unshifted/accuracy', 'test/shifted/accuracy', 'test/shifted/errors', 'test/shifted/errors_class_3']) {
        expect(r.metrics[key], `${role} ${key}`).toHaveLength(1);
      }
      expect(lastValue(r, 'test/errors_class_3'), role).toBeGreaterThan(testThrees / 2);
      const shift = lastValue(r, 'bias_shift/value');
      expect(shift, role).toBeGreaterThanOrEqual(0);
      expect(shift, role).toBeLessThanOrEqual(10);
      expect(Math.abs(shift * 10 - Math.round(shift * 10)), `${role}: ${shift} is on the 0.1 grid`).toBeLessThan(1e-6);
      expect(lastValue(r, 'val/shifted/accuracy'), role).toBeGreaterThanOrEqual(lastValue(r, 'val/unshifted/accuracy'));
      expect(lastValue(r, 'test/shifted/errors_class_3'), role).toBeLessThanOrEqual(lastValue(r, 'test/errors_class_3'));
      const shiftedPerClass = Array.from({ length: 10 }, (_, c) => lastValue(r, `test/shifted/errors_class_${c}`));
      expect(lastValue(r, 'test/shifted/errors'), role).toBe(shiftedPerClass.reduce((a, b) => a + b, 0));
    }
    // the distilled student learns about 3s from the teacher's soft targets: the shift recovers some
    const distilled = byRole('distilled');
    expect(lastValue(distilled, 'test/shifted/errors_class_3')).toBeLessThan(lastValue(distilled, 'test/errors_class_3'));
  });

  it('stores each model under model/, and caches the baseline without weights', () => {
    for (const r of runs) expect(existsSync(join(fileURLToPath(r.info.artifactUri), 'model', 'model.json')), r.tags['kdlab.role']).toBe(true);
    const manifest = (kind: string) => {
      const entries = readdirSync(join(cacheDir, kind)).filter((name) => !name.includes('.'));
      expect(entries, kind).toHaveLength(1);
      return JSON.parse(readFileSync(join(cacheDir, kind, entries[0]!, 'manifest.json'), 'utf8')) as { variables: unknown[]; arrays: Record<string, unknown> };
    };
    expect(manifest('baselines').variables).toEqual([]);
    expect(manifest('teachers').variables.length).toBeGreaterThan(0);
    expect(Object.keys(manifest('teachers').arrays).sort()).toEqual(['testLogits', 'trainLogits']);
  });

  it('reuses the cached teacher when only data.transfer changes, and trains new students', async () => {
    const second = await run({ omitClasses: [3], fraction: 0.5 });
    expect(second.reporter.notes.some((note) => note.includes(`reusing the teacher of run ${first.result.teacher.runId}`))).toBe(true);
    expect(second.reporter.stepsPerEpoch.has('teacher')).toBe(false);
    expect(second.reporter.notes.some((note) => note.startsWith('baseline: reusing'))).toBe(false);
    expect(second.result.teacher.runId).toBe(first.result.teacher.runId);
    const all = (await readMlrunsStore(store)).runs;
    expect(all.filter((r) => r.tags['kdlab.role'] === 'teacher')).toHaveLength(1);
    expect(all.filter((r) => r.tags['kdlab.role'] === 'distilled')).toHaveLength(2);
    expect(all.filter((r) => r.tags['kdlab.role'] === 'baseline')).toHaveLength(2);
    const kept = data.train.count - count(data.train.y, 3);
    expect(second.reporter.stepsPerEpoch.get('distilled')).toBe(Math.ceil(Math.round(kept * 0.5) / BATCH));
  });
});

describe('the teacher signal of a transfer set', () => {
  it('gathers the cached teacher logits of the rows kept: training equals training with a live teacher', async () => {
    const mlp = (hidden: number[], seed: number) => mlpModel.build(mlpModel.options.parse({ hidden }), { inputShape: data.inputShape, numClasses: 10, seed });
    const settings = trainSettingsSchema.parse({ epochs: 1, batchSize: BATCH });
    const teacher = mlp([64], 2);
    const context = { numClasses: 10, studentFeatureShapes: {}, teacherFeatureShapes: {}, seed: 0, trainSize: data.train.count };
    await trainModel({ model: teacher, stages: [{ name: 'train', terms: [{ name: 'ce', weight: 1, loss: ceLoss.create(ceLoss.options.parse({}), { ...context, hasTeacher: false }) }], settings }], data, seed: 1 });
    const { data: narrowed, indices } = applyTransferSet(data, { omitClasses: [3] }, 1);
    const wholeLogits = await predictLogits(teacher, data.train, 256);
    const distil = async (mode: 'cached' | 'live') => {
      const signal = mode === 'cached' ? new CachedTeacherLogits(gatherMatrixRows(wholeLogits, 10, indices), 10) : new LiveTeacher(teacher, []);
      const terms: WeightedTerm[] = [{ name: 'hinton', weight: 1, loss: hintonLoss.create(hintonLoss.options.parse({ temperature: 4 }), { ...context, trainSize: narrowed.train.count, hasTeacher: true }) }];
      const student = mlp([32], 4);
      try {
        return (await trainModel({ model: student, stages: [{ name: 'distill', terms, settings }], data: narrowed, seed: 2, teacher: signal })).epochs[0]!;
      } finally {
        terms.forEach((term) => term.loss.dispose());
        student.dispose();
      }
    };
    const cached = await distil('cached');
    const live = await distil('live');
    expect(cached.loss).toBeCloseTo(live.loss, 5);
    expect(cached.valAccuracy).toBeCloseTo(live.valAccuracy, 2);
    teacher.dispose();
  });
});

describe('settings that name classes are checked against the data before anything trains', () => {
  async function failure(transfer: Record<string, unknown>, evaluate?: Record<string, unknown>): Promise<{ error: Error; runs: number }> {
    const local = mkdtempSync(join(scratch, 'early-'));
    const tracker = createTracker(`file:${join(local, 'mlruns')}`);
    const resolved = experiment(transfer);
    if (evaluate !== undefined) resolved.evaluate = evaluate as typeof resolved.evaluate;
    try {
      await runExperiment({ registries, tracker, backend, cache: new TrainedModelCache(join(local, 'cache')), experiment: resolved });
    } catch (error) {
      await tracker.close();
      const runs = existsSync(join(local, 'mlruns')) ? (await readMlrunsStore(join(local, 'mlruns'))).runs.length : 0;
      return { error: error as Error, runs };
    }
    throw new Error('the experiment trained');
  }

  it('a transfer-set class the data lack fails naming the field, with no run created', async () => {
    const { error, runs } = await failure({ omitClasses: [12] });
    expect(error.message).toBe('data.transfer.omitClasses: class 12 does not exist (the dataset has classes 0 to 9)');
    expect(runs).toBe(0);
  });

  it('a bias shift with nothing to shift fails naming the field, with no run created', async () => {
    const { error, runs } = await failure({ classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
    expect(error.message).toMatch(/^evaluate\.biasShift\.classes: the transfer set \(data\.transfer\) leaves no class out/);
    expect(runs).toBe(0);
  });

  it('a bias-shift class the data lack fails naming the field, with no run created', async () => {
    const { error, runs } = await failure({ omitClasses: [3] }, { biasShift: { classes: [10], max: 10, step: 0.1 } });
    expect(error.message).toBe('evaluate.biasShift.classes: class 10 does not exist (the dataset has classes 0 to 9)');
    expect(runs).toBe(0);
  });
});

describe("a teacher's run logs the data it trained on", () => {
  it('without the transfer set of the experiment that trained it', async () => {
    const { result } = await run({ omitClasses: [4] });
    const contents = await readMlrunsStore(store);
    const teacher = contents.runs.find((r) => r.info.runId === result.teacher.runId)!;
    expect(Object.keys(teacher.params).filter((key) => key.startsWith('data.transfer'))).toEqual([]);
    const distilled = contents.runs.find((r) => r.info.runId === result.distilled.runId)!;
    expect(distilled.params['data.transfer.omitClasses']).toBe('[4]');
  });
});

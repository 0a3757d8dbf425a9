import * as tf from '@tensorflow/tfjs-core';
import type { LossState } from '@kdlab/core';
import { describe, expect, it } from 'vitest';
import { createCrdLoss, crd, crdLoss, crdOptions, seededGenerator, uniformNegativeSampler, type NegativeSampler } from '../src/index.js';
import { useCpuBackend } from './support/cpu-backend.js';
import { expectClose } from './support/expect-close.js';
import { assignVariables, featureContext, featureInputs, shapesOf, teacherGradients, tensorsLeftByCompute, tensorsOf, valueAndGradients } from './support/feature-inputs.js';
import { checkGradient, checkVariableGradient } from './support/finite-difference.js';
import { flatNumbers, readGolden, type CrdGoldenCase } from './support/golden.js';

useCpuBackend();
const golden = readGolden();

/** A sampler that always returns the same negatives. */
function fixedSampler(negatives: number[][]): NegativeSampler {
  return () => Int32Array.from(negatives.flat());
}

/** A small `crd` loss: student [6] and teacher [5] taps, embedding 4, K = 5, 10 training examples. */
function createSmallCrd(overrides: Record<string, unknown> = {}, seed = 0, samplers: NegativeSampler[] = []) {
  const options = crdOptions.parse({ student: 'penultimate', teacher: 'penultimate', embeddingSize: 4, negatives: 5, temperature: 0.5, ...overrides });
  return createCrdLoss(options, featureContext({ penultimate: [6] }, { penultimate: [5] }, { trainSize: 10, seed }), ...samplers);
}

/** The CRD instance of a golden case, at its initial state, drawing the steps' negatives in order. */
function goldenCrd(testCase: CrdGoldenCase) {
  const [first] = testCase.steps;
  if (!first) throw new Error(`crd golden case "${testCase.name}" has no steps.`);
  let step = 0;
  const sampler: NegativeSampler = () => Int32Array.from((testCase.steps[step++]?.negatives ?? []).flat());
  const loss = createCrdLoss(
    crdOptions.parse(testCase.options),
    featureContext(shapesOf(first.student), shapesOf(first.teacher), { trainSize: testCase.trainSize }),
    sampler,
  );
  assignVariables(loss, testCase.variables);
  loss.memory.studentRows.set(testCase.studentMemory.flat());
  loss.memory.teacherRows.set(testCase.teacherMemory.flat());
  return loss;
}

describe('crd loss (contrastive representation distillation)', () => {
  describe("matches RepDistiller's CRDLoss in PyTorch over two training steps, heads, memory and negatives fixed (value within 1e-6 + 1e-5·|value|, gradients within 1e-5 + 1e-5·|g|, Z within 1e-5 relative, memory after each update within 1e-6)", () => {
    for (const testCase of golden.crd) {
      it(testCase.name, () => {
        const loss = goldenCrd(testCase);
        for (const step of testCase.steps) {
          const student = tensorsOf(step.student);
          const teacher = tensorsOf(step.teacher);
          const result = valueAndGradients(loss, student, teacher, { indices: Int32Array.from(step.indices) });
          expectClose([result.value], [step.loss], 1e-6, 1e-5);
          for (const [name, expected] of Object.entries(step.gradStudent)) expectClose(result.gradStudent[name] ?? [], flatNumbers(expected), 1e-5, 1e-5);
          step.gradVariables.forEach((expected, index) => expectClose(result.gradVariables[index] ?? [], flatNumbers(expected), 1e-5, 1e-5));
          const normalizers = loss.normalizers();
          expectClose([normalizers.student ?? Number.NaN, normalizers.teacher ?? Number.NaN], [step.normalizers.student, step.normalizers.teacher], 0, 1e-5);
          expectClose(loss.memory.studentRows, step.studentMemoryAfter.flat(), 1e-6, 0);
          expectClose(loss.memory.teacherRows, step.teacherMemoryAfter.flat(), 1e-6, 0);
          tf.dispose([...Object.values(student), ...Object.values(teacher)]);
        }
        loss.dispose();
      });
    }
  });

  it('has gradients w.r.t. the student tap and both heads that agree with float64 central differences (Z fixed, memory frozen; h = 1e-2, 1e-4 + 2e-3·|g|)', () => {
    const negatives = [[0, 5, 9, 2, 2], [4, 4, 8, 3, 6], [1, 0, 9, 7, 5]];
    const loss = createSmallCrd({}, 3, [fixedSampler(negatives), fixedSampler(negatives)]);
    const student = tf.randomNormal([3, 6], 0, 1, 'float32', 71);
    const teacher = tf.randomNormal([3, 5], 0, 1, 'float32', 72);
    const indices = Int32Array.from([3, 7, 1]);
    tf.tidy(() => loss.compute(featureInputs({ penultimate: student }, { penultimate: teacher }, { indices }))); // sets Z, updates the memory
    const evaluate = (s: tf.Tensor) => loss.compute(featureInputs({ penultimate: s }, { penultimate: teacher }, { indices, training: false }));
    const studentCheck = checkGradient(evaluate, student);
    expect(studentCheck.passed, studentCheck.summary).toBe(true);
    for (const variable of loss.variables) {
      const check = checkVariableGradient(() => evaluate(student), variable);
      expect(check.passed, `${variable.name}: ${check.summary}`).toBe(true);
    }
    tf.dispose([student, teacher]);
    loss.dispose();
  });

  describe('its memory bank', () => {
    it('has one row per training example for each model, initialised uniformly in ±1/√(embeddingSize/3) from the seed', () => {
      const loss = createSmallCrd({}, 5);
      const again = createSmallCrd({}, 5);
      const other = createSmallCrd({}, 6);
      expect(loss.memory.studentRows).toHaveLength(10 * 4);
      expect(loss.memory.teacherRows).toHaveLength(10 * 4);
      const bound = 1 / Math.sqrt(4 / 3);
      expect(Array.from(loss.memory.studentRows).every((value) => Math.abs(value) <= bound)).toBe(true);
      expect(Array.from(again.memory.teacherRows)).toEqual(Array.from(loss.memory.teacherRows));
      expect(Array.from(other.memory.studentRows)).not.toEqual(Array.from(loss.memory.studentRows));
      for (const instance of [loss, again, other]) instance.dispose();
    });

    it('is updated with momentum at inputs.indices only when inputs.training, and Z is fixed at the first training batch', () => {
      const loss = createSmallCrd({ momentum: 0.5 });
      const student = { penultimate: tf.randomNormal([2, 6], 0, 1, 'float32', 73) };
      const teacher = { penultimate: tf.randomNormal([2, 5], 0, 1, 'float32', 74) };
      const indices = Int32Array.from([4, 8]);
      const initial = Float32Array.from(loss.memory.studentRows);
      tf.tidy(() => loss.compute(featureInputs(student, teacher, { indices, training: false })));
      expect(Array.from(loss.memory.studentRows)).toEqual(Array.from(initial));
      expect(loss.normalizers()).toEqual({ student: undefined, teacher: undefined });

      tf.tidy(() => loss.compute(featureInputs(student, teacher, { indices })));
      const changedRows = [...Array(10).keys()].filter((row) => [0, 1, 2, 3].some((k) => loss.memory.studentRows[row * 4 + k] !== initial[row * 4 + k]));
      expect(changedRows).toEqual([4, 8]);
      for (const row of [4, 8]) {
        const norm = Math.hypot(...loss.memory.studentRows.subarray(row * 4, row * 4 + 4));
        expect(Math.abs(norm - 1)).toBeLessThanOrEqual(1e-6);
      }
      const { student: firstZ, teacher: firstTeacherZ } = loss.normalizers();
      expect(firstZ).toBeGreaterThan(0);
      tf.tidy(() => loss.compute(featureInputs(student, teacher, { indices: Int32Array.from([1, 2]) })));
      expect(loss.normalizers()).toEqual({ student: firstZ, teacher: firstTeacherZ });
      tf.dispose([student.penultimate, teacher.penultimate]);
      loss.dispose();
    });
  });

  describe('its negatives', () => {
    it('are drawn uniformly with replacement from [0, trainSize) by a seeded generator: the same seed draws the same ones', () => {
      const draw = (seed: number) => uniformNegativeSampler(seededGenerator(seed, 'crd/negatives'))(50, 200, 7);
      const drawn = draw(1);
      expect(drawn).toHaveLength(50 * 200);
      expect(Array.from(drawn).every((index) => Number.isInteger(index) && index >= 0 && index < 7)).toBe(true);
      const counts = Array.from({ length: 7 }, (_, row) => drawn.filter((index) => index === row).length);
      for (const count of counts) expect(Math.abs(count - 10000 / 7)).toBeLessThan(150); // about 4.5 standard deviations
      expect(Array.from(draw(1))).toEqual(Array.from(drawn));
      expect(Array.from(draw(2))).not.toEqual(Array.from(drawn));
    });

    it('come from a generator whose position can be saved and restored: restored, it draws what it drew after that position', () => {
      const random = seededGenerator(4, 'crd/negatives');
      for (let draw = 0; draw < 5; draw += 1) random();
      const position = random.state();
      const after = [random(), random(), random()];
      const other = seededGenerator(9, 'other');
      other.restore(position);
      expect([other(), other(), other()]).toEqual(after);
      const sampler = uniformNegativeSampler(seededGenerator(4, 'crd/negatives'));
      const samplerPosition = sampler.state?.() ?? Number.NaN;
      const drawn = sampler(2, 3, 10);
      sampler.restore?.(samplerPosition);
      expect(sampler(2, 3, 10)).toEqual(drawn);
      expect(uniformNegativeSampler(() => 0.5).state).toBeUndefined(); // a plain generator has no position
      expect(() => random.restore(2 ** 32)).toThrow('seeded generator "crd/negatives": a state is an integer in [0, 4294967295], got 4294967296.');
      expect(() => random.restore(1.5)).toThrow(/got 1\.5/);
    });

    it('make the loss a function of the seed: two instances with the same seed give the same values, step after step', () => {
      const values = (seed: number) => {
        const loss = createSmallCrd({}, seed);
        const out = [0, 1].map((step) =>
          tf.tidy(() => {
            const student = { penultimate: tf.randomNormal([3, 6], 0, 1, 'float32', 80 + step) };
            const teacher = { penultimate: tf.randomNormal([3, 5], 0, 1, 'float32', 90 + step) };
            return loss.compute(featureInputs(student, teacher, { indices: Int32Array.from([step, 4, 9]) })).dataSync()[0] ?? Number.NaN;
          }),
        );
        loss.dispose();
        return out;
      };
      expect(values(11)).toEqual(values(11));
      expect(values(12)).not.toEqual(values(11));
    });
  });

  describe('its state (saved in checkpoints: memory bank, normalisers, samplers\' positions)', () => {
    /** The batches of the test: seeded taps, example indices, and whether it is a training step. */
    const batch = (step: number) => ({
      student: { penultimate: tf.randomNormal([3, 6], 0, 1, 'float32', 300 + step) },
      teacher: { penultimate: tf.randomNormal([3, 5], 0, 1, 'float32', 400 + step) },
      indices: Int32Array.from([step % 10, (3 * step + 4) % 10, (7 * step + 1) % 10]),
      training: step % 3 !== 2, // every third step evaluates (draws from the evaluation stream)
    });

    /** One step: the loss value and, when training, an SGD step on the heads (lr 0.1) from the same gradients. */
    const step = (loss: ReturnType<typeof createSmallCrd>, index: number): number => {
      const { student, teacher, indices, training } = batch(index);
      let value: number;
      if (training) {
        const { value: scalar, grads } = tf.variableGrads(() => loss.compute(featureInputs(student, teacher, { indices })), loss.variables);
        value = scalar.dataSync()[0] ?? Number.NaN;
        tf.tidy(() => loss.variables.forEach((variable) => variable.assign(tf.sub(variable, tf.mul(grads[variable.name]!, 0.1)))));
        tf.dispose([scalar, ...Object.values(grads)]);
      } else {
        value = tf.tidy(() => loss.compute(featureInputs(student, teacher, { indices, training })).dataSync()[0] ?? Number.NaN);
      }
      tf.dispose([student.penultimate, teacher.penultimate]);
      return value;
    };

    /** A fresh instance (same options and context) with `from`'s variable values, restored from `state` unless it is undefined. */
    const resumed = (from: ReturnType<typeof createSmallCrd>, state: LossState | undefined) => {
      const values = from.variables.map((variable) => variable.dataSync().slice());
      const loss = createSmallCrd({}, 7);
      loss.variables.forEach((variable, index) => tf.tidy(() => variable.assign(tf.tensor(values[index]!, variable.shape))));
      if (state) loss.restoreState(state);
      return loss;
    };

    it('lets a fresh instance restored from it compute bit-identical values and memory rows to the uninterrupted one, step after step', () => {
      const uninterrupted = createSmallCrd({}, 7);
      for (let index = 0; index < 4; index += 1) step(uninterrupted, index);
      const saved = uninterrupted.saveState();
      expect(saved.values.studentNormalizer).toBeGreaterThan(0);
      const restored = resumed(uninterrupted, saved);
      const withoutState = resumed(uninterrupted, undefined);
      expect(restored.normalizers()).toEqual(uninterrupted.normalizers());
      const continued: number[] = [];
      const again: number[] = [];
      const fresh: number[] = [];
      for (let index = 4; index < 10; index += 1) {
        continued.push(step(uninterrupted, index));
        again.push(step(restored, index));
        fresh.push(step(withoutState, index));
        expect(restored.memory.studentRows).toEqual(uninterrupted.memory.studentRows);
        expect(restored.memory.teacherRows).toEqual(uninterrupted.memory.teacherRows);
      }
      continued.forEach((value, index) => expect(again[index], `step ${index + 4}`).toBe(value));
      expect(continued.every(Number.isFinite)).toBe(true);
      expect(fresh).not.toEqual(continued); // without the state, the memory, Z and negatives differ
      restored.variables.forEach((variable, index) => expect(variable.dataSync()).toEqual(uninterrupted.variables[index]!.dataSync()));
      for (const loss of [uninterrupted, restored, withoutState]) loss.dispose();
    });

    it('holds copies: later steps leave a saved state unchanged; null normalisers before the first training batch', () => {
      const loss = createSmallCrd({}, 7);
      const initial = loss.saveState();
      expect(initial.values).toEqual({ studentNormalizer: null, teacherNormalizer: null, negativesPosition: expect.any(Number), evaluationNegativesPosition: expect.any(Number) });
      expect(initial.arrays.studentMemory).toEqual(loss.memory.studentRows);
      expect(initial.arrays.studentMemory).not.toBe(loss.memory.studentRows);
      const saved = loss.saveState();
      const copy = { values: { ...saved.values }, arrays: { studentMemory: saved.arrays.studentMemory!.slice(), teacherMemory: saved.arrays.teacherMemory!.slice() } };
      for (let index = 0; index < 3; index += 1) step(loss, index);
      expect(loss.saveState().values).not.toEqual(copy.values);
      expect(saved).toEqual(copy);
      loss.dispose();
    });

    it('is checked whole before restoring: a wrong-sized memory array, a missing name or a bad position throws, naming the loss, the field and both sizes, and changes nothing', () => {
      const loss = createSmallCrd({}, 7);
      step(loss, 0);
      const good = loss.saveState();
      const target = createSmallCrd({}, 7);
      const before = target.saveState();
      const withArray = (name: string, array: Float32Array): LossState => ({ values: good.values, arrays: { ...good.arrays, [name]: array } });
      expect(() => target.restoreState(withArray('teacherMemory', new Float32Array(36)))).toThrow(
        'crd loss: cannot restore its state: arrays.teacherMemory holds 36 floats, but the teacher memory bank (10 rows × 4) holds 40',
      );
      expect(() => target.restoreState(withArray('studentMemory', new Float32Array(80)))).toThrow(/arrays\.studentMemory holds 80 floats, but the student memory bank \(10 rows × 4\) holds 40/);
      const { negativesPosition: _dropped, ...withoutPosition } = good.values;
      expect(() => target.restoreState({ values: withoutPosition, arrays: good.arrays })).toThrow(
        'crd loss: cannot restore its state: missing values.negativesPosition (a crd state holds values "studentNormalizer", "teacherNormalizer", "negativesPosition" and "evaluationNegativesPosition").',
      );
      expect(() => target.restoreState({ values: { ...good.values, negativesPosition: -1 }, arrays: good.arrays })).toThrow(
        "crd loss: cannot restore its state: values.negativesPosition is -1, expected the sampler's position, an integer in [0, 4294967295].",
      );
      expect(() => target.restoreState({ values: { ...good.values, teacherNormalizer: null }, arrays: good.arrays })).toThrow(/values\.studentNormalizer is .* but values\.teacherNormalizer is null/);
      expect(() => target.restoreState({ values: { examplesSeen: 3 }, arrays: {} })).toThrow(/crd loss: cannot restore its state: missing values\.studentNormalizer, .*; unexpected values\.examplesSeen/);
      expect(target.saveState()).toEqual(before);
      for (const instance of [loss, target]) instance.dispose();
    });

    it('has no sampler positions for samplers given to createCrdLoss without state()/restore(): null, and a position cannot be restored into them', () => {
      const negatives = [[0, 5, 9, 2, 2], [4, 4, 8, 3, 6], [1, 0, 9, 7, 5]];
      const pinned = createSmallCrd({}, 3, [fixedSampler(negatives), fixedSampler(negatives)]);
      const saved = pinned.saveState();
      expect(saved.values.negativesPosition).toBeNull();
      expect(saved.values.evaluationNegativesPosition).toBeNull();
      pinned.restoreState(saved);
      expect(() => pinned.restoreState({ values: { ...saved.values, negativesPosition: 12 }, arrays: saved.arrays })).toThrow(
        "crd loss: cannot restore its state: values.negativesPosition is 12, expected null: this instance's sampler has no position to restore",
      );
      pinned.dispose();
    });
  });

  describe('checks its inputs', () => {
    it.each([
      ['an index outside the memory bank', [3, 10], 'crd loss: inputs.indices[1] is 10, outside the memory bank\'s rows [0, 9] (context.trainSize 10).'],
      ['fewer indices than examples', [3], 'crd loss: inputs.indices holds 1 indices for a batch of 2 (student tap "penultimate").'],
    ])('%s', (_what, indices, message) => {
      const loss = createSmallCrd();
      tf.tidy(() => {
        const inputs = featureInputs({ penultimate: tf.zeros([2, 6]) }, { penultimate: tf.zeros([2, 5]) }, { indices: Int32Array.from(indices) });
        expect(() => loss.compute(inputs)).toThrow(message);
      });
      loss.dispose();
    });

    it('at create: both taps must exist (naming both layers and shapes), trainSize must be a positive integer', () => {
      const options = crdOptions.parse({ student: 'penultimate', teacher: 'pool' });
      expect(() => crdLoss.create(options, featureContext({ penultimate: [64] }, { penultimate: [128] }))).toThrow(
        'crd loss: the teacher has no feature tap "pool" (its taps: penultimate [128]); cannot pair student tap "penultimate" [64] with teacher tap "pool" (missing).',
      );
      expect(() => crdLoss.create(crdOptions.parse({ student: 'a', teacher: 'b' }), featureContext({ a: [4] }, { b: [4] }, { trainSize: 0 }))).toThrow(
        /crd loss: the memory bank holds one row per training example, so context.trainSize must be a positive integer, got 0/,
      );
    });
  });

  it('owns its heads [W_s, b_s, W_t, b_t] as trainable variables, frees them on dispose; the teacher tap gets no gradient; no tensors leak', () => {
    const loss = createSmallCrd();
    expect(loss.variables.map((variable) => variable.shape)).toEqual([[6, 4], [4], [5, 4], [4]]);
    expect(loss.variables.every((variable) => variable.trainable)).toBe(true);
    const student = { penultimate: tf.randomNormal([3, 6], 0, 1, 'float32', 75) };
    const teacher = { penultimate: tf.randomNormal([3, 5], 0, 1, 'float32', 76) };
    expect(teacherGradients(loss, student, teacher).flat().every((value) => value === 0)).toBe(true);
    expect(tensorsLeftByCompute(loss, student, teacher)).toBe(0);
    tf.dispose([student.penultimate, teacher.penultimate]);
    loss.dispose();
    expect(loss.variables.every((variable) => variable.isDisposed)).toBe(true);
  });

  it("has the paper's defaults (embedding 128, K = 16384, τ = 0.07, momentum 0.5) and needs its taps", () => {
    expect(crdOptions.parse({ student: 'a', teacher: 'b' })).toEqual({ student: 'a', teacher: 'b', embeddingSize: 128, negatives: 16384, temperature: 0.07, momentum: 0.5 });
    expect(crdOptions.safeParse({ student: 'a', teacher: 'b', momentum: 1 }).error?.issues[0]?.message).toBe('momentum must be below 1 (1 would never update the memory bank).');
    expect(crdLoss.needs(crdOptions.parse({ student: 'a', teacher: 'b' }))).toEqual({ teacherLogits: false, studentFeatures: ['a'], teacherFeatures: ['b'] });
    expect(crd({ student: 'a', teacher: 'b', weight: 0.8 })).toEqual({ kind: 'crd', student: 'a', teacher: 'b', weight: 0.8 });
  });
});

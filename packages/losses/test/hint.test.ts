import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { hint, hintLoss, hintOptions, planHintRegressor } from '../src/index.js';
import { useCpuBackend } from './support/cpu-backend.js';
import { featureContext, featureInputs, tensorShapes } from './support/feature-inputs.js';
import { checkGradient, checkVariableGradient } from './support/finite-difference.js';
import { readGolden } from './support/golden.js';
import { featureGoldenTests } from './support/golden-tests.js';

useCpuBackend();
const golden = readGolden();

/** A hint loss created for the given tap shapes (without batch). */
function createHint(options: Record<string, unknown>, studentShape: number[], teacherShape: number[], seed = 0) {
  return hintLoss.create(hintOptions.parse({ student: 'guided', teacher: 'hint', ...options }), featureContext({ guided: studentShape }, { hint: teacherShape }, { seed }));
}

describe('hint loss (FitNets)', () => {
  featureGoldenTests(hintLoss, golden.hint, 'conv2d / linear regressor with fixed weights, ½‖t − r(s)‖² batch mean', {
    valueAbsolute: 1e-6,
    valueRelative: 1e-5,
    gradientAbsolute: 1e-6,
    gradientRelative: 1e-5,
  });

  it('has gradients w.r.t. the guided layer and the regressor weights that agree with float64 central differences (h = 1e-2, 1e-4 + 2e-3·|g|)', () => {
    const loss = createHint({ activation: 'relu' }, [3, 3, 2], [2, 2, 3]);
    const student = tf.randomNormal([2, 3, 3, 2], 0, 1, 'float32', 1);
    const teacher = tf.randomNormal([2, 2, 2, 3], 0, 1, 'float32', 2);
    const compute = (s: tf.Tensor) => loss.compute(featureInputs({ guided: s }, { hint: teacher }));
    const studentCheck = checkGradient(compute, student);
    expect(studentCheck.passed, studentCheck.summary).toBe(true);
    for (const variable of loss.variables) {
      const check = checkVariableGradient(() => compute(student), variable);
      expect(check.passed, `${variable.name}: ${check.summary}`).toBe(true);
    }
    tf.dispose([student, teacher]);
    loss.dispose();
  });

  describe("chooses the regressor by FitNets' rule: a valid k×k convolution with k = N_guided − N_hint + 1", () => {
    const plan = (choice: 'auto' | 'conv1x1' | 'conv3x3' | 'dense', studentShape: number[], teacherShape: number[]) =>
      planHintRegressor(choice, { pair: { student: 'guided', teacher: 'hint' }, studentShape, teacherShape });
    it.each([
      [[32, 32, 16], [16, 16, 64], [17, 17]],
      [[8, 6, 4], [4, 6, 8], [5, 1]],
      [[7, 7, 3], [7, 7, 5], [1, 1]],
    ])("'auto' maps %j onto %j with a %j kernel, no padding", (studentShape, teacherShape, kernel) => {
      expect(plan('auto', studentShape, teacherShape)).toEqual({
        kind: 'conv',
        kernel,
        padding: 'valid',
        inChannels: studentShape[2],
        outChannels: teacherShape[2],
      });
    });
    it("'auto' on vectors and sequences is a dense layer on the last axis", () => {
      expect(plan('auto', [64], [128])).toMatchObject({ kind: 'dense', inChannels: 64, outChannels: 128 });
      expect(plan('auto', [10, 64], [10, 128])).toMatchObject({ kind: 'dense', inChannels: 64, outChannels: 128 });
    });
    it("'conv3x3' pads to keep the spatial size; 'conv1x1' needs none", () => {
      expect(plan('conv3x3', [5, 5, 2], [5, 5, 4])).toMatchObject({ kind: 'conv', kernel: [3, 3], padding: 'same' });
      expect(plan('conv1x1', [5, 5, 2], [5, 5, 4])).toMatchObject({ kind: 'conv', kernel: [1, 1], padding: 'valid' });
    });
    it('regresses the whole hint: the output of the regressor has the teacher tap\'s shape', () => {
      const loss = createHint({}, [6, 6, 2], [3, 3, 5]);
      expect(loss.variables.map((variable) => variable.shape)).toEqual([[4, 4, 2, 5], [5]]);
      loss.dispose();
    });
  });

  describe('checks shapes at create, naming both layers and both shapes', () => {
    it.each([
      ['a student tap that does not exist', {}, { block1: [4, 4, 2] }, { hint: [4, 4, 2] }, /hint loss: the student has no feature tap "guided" \(its taps: block1 \[4,4,2\]\); cannot pair student tap "guided" \(missing\) with teacher tap "hint" \[4,4,2\]/],
      ['a teacher tap that does not exist', {}, { guided: [4, 4, 2] }, { block9: [2] }, /the teacher has no feature tap "hint" \(its taps: block9 \[2\]\); cannot pair student tap "guided" \[4,4,2\] with teacher tap "hint" \(missing\)/],
      ["'auto' with a student map smaller than the teacher's", {}, { guided: [4, 4, 8] }, { hint: [8, 8, 4] }, /student tap "guided" \[4,4,8\] and teacher tap "hint" \[8,8,4\] cannot be matched: FitNets' convolutional regressor shrinks the guided layer's 4×4 map onto the hint's 8×8/],
      ["'conv3x3' with different spatial sizes", { regressor: 'conv3x3' }, { guided: [8, 8, 2] }, { hint: [4, 4, 2] }, /student tap "guided" \[8,8,2\] and teacher tap "hint" \[4,4,2\] cannot be matched: regressor 'conv3x3' keeps the spatial size/],
      ["'conv1x1' on vectors", { regressor: 'conv1x1' }, { guided: [16] }, { hint: [32] }, /student tap "guided" \[16\] and teacher tap "hint" \[32\] cannot be matched: regressor 'conv1x1' needs feature maps/],
      ["'dense' with different leading axes", { regressor: 'dense' }, { guided: [8, 8, 2] }, { hint: [4, 4, 2] }, /student tap "guided" \[8,8,2\] and teacher tap "hint" \[4,4,2\] cannot be matched: a dense regressor maps the last axis only.*use regressor 'auto'/],
    ])('%s', (_what, options, studentShapes, teacherShapes, message) => {
      const parsed = hintOptions.parse({ student: 'guided', teacher: 'hint', ...options });
      expect(() => hintLoss.create(parsed, featureContext(studentShapes, teacherShapes))).toThrow(message);
    });

    it('a tap whose shape at compute differs from the one given to create', () => {
      const loss = createHint({}, [4, 4, 2], [3, 3, 2]);
      tf.tidy(() => {
        const inputs = featureInputs({ guided: tf.zeros([2, 5, 5, 2]) }, { hint: tf.zeros([2, 3, 3, 2]) });
        expect(() => loss.compute(inputs)).toThrow('hint loss: student tap "guided" has shape [2,5,5,2], expected [batch,4,4,2] as given to create().');
      });
      loss.dispose();
    });

    it('a run without a teacher', () => {
      const parsed = hintOptions.parse({ student: 'guided', teacher: 'hint' });
      expect(() => hintLoss.create(parsed, featureContext({ guided: [4] }, {}, { hasTeacher: false }))).toThrow(/hint loss: this run has no teacher/);
    });
  });

  describe('its regressor', () => {
    it('is the loss\'s own variables [weights, bias], seeded from context.seed, initialised in ±1/√fanIn as PyTorch', () => {
      const first = createHint({}, [4, 4, 3], [3, 3, 2], 7);
      const again = createHint({}, [4, 4, 3], [3, 3, 2], 7);
      const other = createHint({}, [4, 4, 3], [3, 3, 2], 8);
      const values = (loss: typeof first) => loss.variables.map((variable) => Array.from(variable.dataSync()));
      expect(values(again)).toEqual(values(first));
      expect(values(other)).not.toEqual(values(first));
      const bound = 1 / Math.sqrt(2 * 2 * 3);
      for (const variable of first.variables) {
        expect(variable.trainable).toBe(true);
        expect(Array.from(variable.dataSync()).every((value) => Math.abs(value) <= bound)).toBe(true);
      }
      for (const loss of [first, again, other]) loss.dispose();
    });

    it('is trained by gradients; the teacher tap gets none', () => {
      const loss = createHint({}, [2, 2, 2], [2, 2, 2]);
      const student = tf.randomNormal([2, 2, 2, 2], 0, 1, 'float32', 3);
      const teacher = tf.randomNormal([2, 2, 2, 2], 0, 1, 'float32', 4);
      const [, teacherGrad] = tf.grads((s: tf.Tensor, t: tf.Tensor) => loss.compute(featureInputs({ guided: s }, { hint: t })))([student, teacher]);
      expect(Array.from(teacherGrad?.dataSync() ?? [Number.NaN]).every((value) => value === 0)).toBe(true);
      tf.dispose([student, teacher, teacherGrad]);
      loss.dispose();
    });

    it('is freed by dispose()', () => {
      const loss = createHint({}, [2, 2, 2], [2, 2, 2]);
      loss.dispose();
      expect(loss.variables.every((variable) => variable.isDisposed)).toBe(true);
    });
  });

  it("halves the squared error summed over each example's entries and averages over the batch ('batchmean'); 'mean' averages over every entry without ½ (within 1e-5 relative)", () => {
    for (const [reduction, expected] of [['batchmean', (0.5 * (4 * 2 * 1 + 4 * 2 * 9)) / 2], ['mean', (1 + 9) / 2]] as const) {
      const loss = createHint({ regressor: 'dense', reduction }, [2, 2, 2], [2, 2, 2]);
      tf.tidy(() => {
        loss.variables[0]?.assign(tf.zeros([2, 2]));
        loss.variables[1]?.assign(tf.zeros([2]));
        const teacher = tf.concat([tf.ones([1, 2, 2, 2]), tf.fill([1, 2, 2, 2], 3)]);
        const value = loss.compute(featureInputs({ guided: tf.ones([2, 2, 2, 2]) }, { hint: teacher })).dataSync()[0] ?? Number.NaN;
        expect(Math.abs(value - expected)).toBeLessThanOrEqual(1e-5 * expected);
      });
      loss.dispose();
    }
  });

  it('needs both taps and no teacher logits', () => {
    expect(hintLoss.needs(hintOptions.parse({ student: 'block4', teacher: 'block2' }))).toEqual({
      teacherLogits: false,
      studentFeatures: ['block4'],
      teacherFeatures: ['block2'],
    });
  });

  it('has the defaults regressor auto, activation linear, reduction batchmean, and needs both tap names', () => {
    expect(hintOptions.parse({ student: 'a', teacher: 'b' })).toEqual({ student: 'a', teacher: 'b', regressor: 'auto', activation: 'linear', reduction: 'batchmean' });
    const missing = hintOptions.safeParse({ student: 'a' });
    expect(missing.error?.issues[0]?.path).toEqual(['teacher']);
    expect(hintOptions.safeParse({ student: 'a', teacher: 'b', regressor: 'conv5x5' }).error?.issues[0]?.message).toContain("regressor must be 'auto'");
    expect(hintOptions.safeParse({ student: 'a', teacher: 'b', regresor: 'dense' }).success).toBe(false);
  });

  it('helper hint({ student, teacher, regressor, weight }) returns plain data', () => {
    expect(hint({ student: 'block4', teacher: 'block2', regressor: 'conv3x3', weight: 1 })).toEqual({ kind: 'hint', student: 'block4', teacher: 'block2', regressor: 'conv3x3', weight: 1 });
  });

  it('leaves no tensors behind but its scalar result', () => {
    const loss = createHint({}, [4, 4, 2], [3, 3, 2]);
    const student = tf.zeros([2, 4, 4, 2]);
    const teacher = tf.ones([2, 3, 3, 2]);
    const inputs = featureInputs({ guided: student }, { hint: teacher });
    const before = tf.memory().numTensors;
    const value = loss.compute(inputs);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([value, student, teacher, inputs.student.logits, inputs.labels]);
    loss.dispose();
  });

  it('reads shapes from context.studentFeatureShapes / teacherFeatureShapes', () => {
    const student = { guided: tf.zeros([1, 3, 3, 2]) };
    const teacher = { hint: tf.zeros([1, 2, 2, 2]) };
    const loss = hintLoss.create(hintOptions.parse({ student: 'guided', teacher: 'hint' }), featureContext(tensorShapes(student), tensorShapes(teacher)));
    expect(loss.variables[0]?.shape).toEqual([2, 2, 2, 2]);
    loss.dispose();
    tf.dispose([...Object.values(student), ...Object.values(teacher)]);
  });
});

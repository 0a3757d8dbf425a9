import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { defineLoss, lossHelper, type LossInputs, type LossInstance, type LossState } from '@kdlab/core';
import { checkLabels, checkLogits, checkNumClasses, checkSameShape } from './check-inputs.js';
import { requireTeacher } from './feature-taps.js';
import { checkStateNames, stateValue } from './loss-state.js';
import { stopGradient } from './stop-gradient.js';
import type { LossDocumentation } from './docs/loss-documentation.js';

/** Options of the `dkd` loss (decoupled knowledge distillation). */
export const dkdOptions = z.strictObject({
  /** Weight α of TCKD, the target-class term. Default 1. */
  alpha: z
    .number({ error: 'alpha must be a number of at least 0.' })
    .min(0, { error: 'alpha must be at least 0.' })
    .default(1)
    .describe('Weight α of TCKD, the binary target-versus-rest term (1 in the paper).'),
  /** Weight β of NCKD, the non-target-class term. Default 8. */
  beta: z
    .number({ error: 'beta must be a number of at least 0.' })
    .min(0, { error: 'beta must be at least 0.' })
    .default(8)
    .describe('Weight β of NCKD, the term over the non-target classes (8 in the paper for CIFAR-100).'),
  /** Softmax temperature `T` of both models. Default 4. */
  temperature: z
    .number({ error: 'temperature must be a number above 0.' })
    .positive({ error: 'temperature must be above 0 (it divides the logits).' })
    .default(4)
    .describe('Softmax temperature T of both models (4 in the paper).'),
  /** Epochs of linear warm-up: the loss is scaled by `min(epoch / warmupEpochs, 1)`. Default 0 (none). */
  warmupEpochs: z
    .number({ error: 'warmupEpochs must be a whole number of at least 0.' })
    .int({ error: 'warmupEpochs must be a whole number.' })
    .min(0, { error: 'warmupEpochs must be at least 0.' })
    .default(0)
    .describe(
      'Linear warm-up: during epoch e (from 1) of its stage the loss is scaled by min(e / warmupEpochs, 1), as mdistiller; ' +
        '0 turns it off. The paper warms up over 20 of 240 epochs.',
    ),
});

/** The parsed, defaulted options of the `dkd` loss. */
export type DkdOptions = z.output<typeof dkdOptions>;

/** `log Σ_{k ≠ y} exp(z_k)` per row: the log-sum-exp over the non-target classes (`targetMask` is 1 at the target). */
function nonTargetLogSumExp(scaledLogits: tf.Tensor2D, targetMask: tf.Tensor2D): tf.Tensor2D {
  const masked = tf.where(tf.cast(targetMask, 'bool'), tf.fill(scaledLogits.shape, Number.NEGATIVE_INFINITY), scaledLogits);
  return tf.logSumExp(masked, 1, true) as tf.Tensor2D;
}

/** Per-example TCKD and NCKD KL divergences (before `T²` and the batch mean), `[B]` each. */
function decoupledDivergences(studentScaled: tf.Tensor2D, teacherScaled: tf.Tensor2D, targetMask: tf.Tensor2D): [tf.Tensor, tf.Tensor] {
  const otherMask = tf.sub(1, targetMask);
  const logParts = (scaled: tf.Tensor2D) => {
    const all = tf.logSumExp(scaled, 1, true);
    const others = nonTargetLogSumExp(scaled, targetMask);
    const target = tf.sum(tf.mul(scaled, targetMask), 1, true);
    // Binary distribution [p_target, p_rest] and the distribution over the non-target classes.
    const binary = tf.concat([tf.sub(target, all), tf.sub(others, all)], 1);
    const nonTarget = tf.sub(scaled, others);
    return { binary, nonTarget };
  };
  const student = logParts(studentScaled);
  const teacher = logParts(teacherScaled);
  const tckd = tf.sum(tf.mul(tf.exp(teacher.binary), tf.sub(teacher.binary, student.binary)), 1);
  const teacherNonTarget = tf.mul(tf.exp(teacher.nonTarget), otherMask);
  const nckd = tf.sum(tf.mul(teacherNonTarget, tf.sub(teacher.nonTarget, student.nonTarget)), 1);
  return [tckd, nckd];
}

/**
 * Decoupled knowledge distillation: Hinton's KD split into a target-class term and a non-target-class
 * term, weighted separately. With `p = softmax(z/T)` for each model and label `y`, over a batch of `B`:
 *
 * - TCKD `= KL(b^t ‖ b^s)` on the binary distributions `b = [p_y, 1 − p_y]`;
 * - NCKD `= KL(p̂^t ‖ p̂^s)` on the distributions over the non-target classes, `p̂_k = p_k / Σ_{j≠y} p_j` (`k ≠ y`);
 * - `L = w(e) · T² · (1/B) Σ_b (α·TCKD_b + β·NCKD_b)`, with the warm-up factor `w(e) = min(e / warmupEpochs, 1)`
 *   (1 when `warmupEpochs` is 0).
 *
 * Defaults: `α = 1`, `β = 8`, `T = 4` (the paper's CIFAR-100 setting); the paper's 20-epoch warm-up is
 * `warmupEpochs: 20`. The epoch `e` counts from 1 at the start of the term's stage and advances every
 * `context.trainSize` training examples the loss is computed on (the trainer keeps the last partial
 * batch, so that is one epoch). That count of training examples seen is the loss's state
 * (`saveState()` returns `{ values: { examplesSeen }, arrays: {} }`), saved in checkpoints so that a
 * resumed training continues the warm-up where it stopped. Both divergences are computed with log-sum-exps, stable for large
 * logits; mdistiller instead masks the target logit with `−1000` and takes `log(softmax)`, which agrees
 * within float precision. The teacher's logits are constants.
 *
 * Reference: Zhao, Cui, Song, Qiu, Liang 2022, "Decoupled Knowledge Distillation", CVPR, arXiv:2203.08679 (equation 7).
 */
export const dkdLoss = defineLoss({
  id: 'dkd',
  description: 'Decoupled KD: α·TCKD (target vs rest) + β·NCKD (among non-target classes), both T²-scaled KL, batch-mean.',
  reference: 'Zhao, Cui, Song, Qiu, Liang 2022, "Decoupled Knowledge Distillation", CVPR 2022, arXiv:2203.08679',
  options: dkdOptions,
  needs: () => ({ teacherLogits: true, studentFeatures: [], teacherFeatures: [] }),
  create(options, context): LossInstance {
    requireTeacher('dkd', context, 'logits');
    checkNumClasses('dkd', context.numClasses);
    const { numClasses, trainSize } = context;
    const { alpha, beta, temperature, warmupEpochs } = options;
    if (warmupEpochs > 0 && !(Number.isInteger(trainSize) && trainSize > 0)) {
      throw new Error(`dkd loss: warmupEpochs counts epochs of context.trainSize examples, which must be a positive integer, got ${trainSize}.`);
    }
    let examplesSeen = 0;
    return {
      variables: [],
      saveState(): LossState {
        return { values: { examplesSeen }, arrays: {} };
      },
      restoreState(state: LossState): void {
        checkStateNames('dkd', state, ['examplesSeen'], []);
        const seen = stateValue(
          'dkd',
          state,
          'examplesSeen',
          (value) => value !== null && Number.isSafeInteger(value) && value >= 0,
          'the training examples seen, a whole number of at least 0',
        );
        examplesSeen = seen ?? 0;
      },
      compute(inputs: LossInputs): tf.Scalar {
        if (!inputs.teacher) {
          throw new Error('dkd loss: compute() was given no teacher outputs (inputs.teacher is undefined).');
        }
        const studentLogits = inputs.student.logits;
        const teacherLogits = inputs.teacher.logits;
        checkLogits('dkd', 'student logits', studentLogits, numClasses);
        checkSameShape('dkd', studentLogits, teacherLogits);
        checkLabels('dkd', inputs.labels, studentLogits.shape[0], numClasses);
        const epoch = Math.floor(examplesSeen / Math.max(trainSize, 1)) + 1;
        const warmup = warmupEpochs > 0 ? Math.min(epoch / warmupEpochs, 1) : 1;
        if (inputs.training) examplesSeen += studentLogits.shape[0];
        return tf.tidy(() => {
          const targetMask = tf.cast(tf.oneHot(inputs.labels, numClasses), 'float32') as tf.Tensor2D;
          const studentScaled = tf.div(studentLogits, temperature) as tf.Tensor2D;
          const teacherScaled = tf.div(stopGradient(teacherLogits), temperature) as tf.Tensor2D;
          const [tckd, nckd] = decoupledDivergences(studentScaled, teacherScaled, targetMask);
          const perExample = tf.add(tf.mul(tckd, alpha), tf.mul(nckd, beta));
          return tf.mul(tf.mean(perExample), warmup * temperature * temperature) as tf.Scalar;
        });
      },
      dispose(): void {},
    };
  },
});

/**
 * Experiment helper of the `dkd` loss: `dkd({ beta: 8, warmupEpochs: 20 })`.
 * Returns plain data `{ kind: 'dkd', ... }`, validated against {@link dkdOptions} when the experiment is resolved.
 */
export const dkd = lossHelper(dkdLoss);

/** The documentation page of the `dkd` loss (`docs/losses/dkd.md`), rendered by `scripts/generate-loss-docs.ts`. */
export const dkdDocumentation: LossDocumentation = {
  loss: dkdLoss,
  title: 'decoupled knowledge distillation',
  formula: [
    'p = softmax(z/T) for each model; y the label',
    'b = [p_y, 1 − p_y];  p̂_k = p_k / Σ_{j≠y} p_j  for k ≠ y',
    'TCKD_b = KL(b^t ‖ b^s);  NCKD_b = KL(p̂^t ‖ p̂^s)',
    'L = w(e) · T² · (1/B) Σ_b (α·TCKD_b + β·NCKD_b),   w(e) = min(e / warmupEpochs, 1)  (1 without warm-up)',
  ],
  details: [
    'Hinton\'s KD equals TCKD + (1 − p^t_y)·NCKD (the paper\'s equation 5); DKD weights the two parts freely.',
    'The epoch `e` counts from 1 at the start of the term\'s stage and advances every `context.trainSize` training examples the loss sees; mdistiller warms up over 20 of 240 epochs (`warmupEpochs: 20`).',
    'Computed with log-sum-exps (stable for large logits); mdistiller masks the target logit with −1000 instead, which agrees within float precision.',
    'Needs the labels and the teacher\'s logits (constants).',
    'Its count of training examples seen (which drives the warm-up) is saved in checkpoints, so a resumed training continues the warm-up where it stopped.',
  ],
  example: { warmupEpochs: 20 },
  exampleWeight: 1,
};

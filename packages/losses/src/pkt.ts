import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { defineLoss, lossHelper, type LossInputs, type LossInstance } from '@kdlab/core';
import { requireTeacher, resolveTapPair, takeTapPair, tapName } from './feature-taps.js';
import { euclideanNorm, flattenBatch } from './tensor-math.js';
import { stopGradient } from './stop-gradient.js';
import type { LossDocumentation } from './docs/loss-documentation.js';

/** Options of the `pkt` loss (probabilistic knowledge transfer). */
export const pktOptions = z.strictObject({
  /** The student's representation tap (any shape; flattened per example). */
  student: tapName('student').describe("The student's representation tap (any shape; flattened per example)."),
  /** The teacher's representation tap (any shape; flattened per example). */
  teacher: tapName('teacher').describe("The teacher's representation tap (any shape; flattened per example)."),
  /** The small constant ε of the normalisation and the log ratio. Default 1e-7. */
  eps: z
    .number({ error: 'eps must be a number above 0.' })
    .positive({ error: 'eps must be above 0 (it keeps the log ratio finite).' })
    .default(1e-7)
    .describe('The small constant ε added to the norms and inside the log ratio (1e-7, as the authors\' code).'),
});

/** The parsed, defaulted options of the `pkt` loss. */
export type PktOptions = z.output<typeof pktOptions>;

/**
 * The conditional probabilities `[B, B]` of a batch under the cosine-similarity kernel:
 * `K_ij = (cos(x_i, x_j) + 1)/2`, `p_ij = K_ij / Σ_j K_ij`.
 */
function conditionalProbabilities(tap: tf.Tensor, eps: number): tf.Tensor2D {
  const flat = flattenBatch(tap);
  const unit = tf.div(flat, tf.add(euclideanNorm(flat, 1), eps));
  const kernel = tf.div(tf.add(tf.matMul(unit, unit, false, true), 1), 2);
  return tf.div(kernel, tf.sum(kernel, 1, true)) as tf.Tensor2D;
}

/**
 * Probabilistic knowledge transfer: the student matches the teacher's distribution of pairwise
 * similarities within a batch. With representations flattened to `[B, D]`, the cosine kernel
 * `K_ij = (cos(x_i, x_j) + 1)/2` (vectors divided by `‖x‖ + ε`) gives conditional probabilities
 * `p_ij = K_ij / Σ_j K_ij` for the teacher (`p^t`) and the student (`p^s`), and
 *
 * `L = (1/B²) Σ_i Σ_j p^t_ij · log((p^t_ij + ε) / (p^s_ij + ε))`,
 *
 * the mean over all `B²` entries of the KL terms (the paper's equation 10 up to that constant factor,
 * exactly the authors' code and RepDistiller's). The paper's weight (RepDistiller: 30000) belongs in
 * the term's weight. The teacher's tap is a constant.
 *
 * Reference: Passalis and Tefas 2018, "Learning Deep Representations with Probabilistic Knowledge Transfer", ECCV, arXiv:1803.10837.
 */
export const pktLoss = defineLoss({
  id: 'pkt',
  description: "Probabilistic knowledge transfer: KL between the teacher's and the student's cosine-kernel similarity distributions in a batch.",
  reference: 'Passalis and Tefas 2018, "Learning Deep Representations with Probabilistic Knowledge Transfer", ECCV 2018, arXiv:1803.10837',
  options: pktOptions,
  needs: (options) => ({ teacherLogits: false, studentFeatures: [options.student], teacherFeatures: [options.teacher] }),
  create(options, context): LossInstance {
    requireTeacher('pkt', context, 'feature taps');
    const shapes = resolveTapPair('pkt', { student: options.student, teacher: options.teacher }, context);
    const { eps } = options;
    return {
      variables: [],
      compute(inputs: LossInputs): tf.Scalar {
        const [studentTap, teacherTap] = takeTapPair('pkt', shapes, inputs.student, inputs.teacher);
        return tf.tidy(() => {
          const teacher = conditionalProbabilities(stopGradient(teacherTap), eps);
          const student = conditionalProbabilities(studentTap, eps);
          const logRatio = tf.log(tf.div(tf.add(teacher, eps), tf.add(student, eps)));
          return tf.mean(tf.mul(teacher, logRatio));
        });
      },
      dispose(): void {},
    };
  },
});

/**
 * Experiment helper of the `pkt` loss: `pkt({ student: 'embedding', teacher: 'embedding', weight: 30000 })`.
 * Returns plain data `{ kind: 'pkt', ... }`, validated against {@link pktOptions} when the experiment is resolved.
 */
export const pkt = lossHelper(pktLoss);

/** The documentation page of the `pkt` loss (`docs/losses/pkt.md`), rendered by `scripts/generate-loss-docs.ts`. */
export const pktDocumentation: LossDocumentation = {
  loss: pktLoss,
  title: 'probabilistic knowledge transfer',
  formula: [
    'x̂_i = x_i / (‖x_i‖₂ + ε)  (x_i: example i of a tap, flattened)',
    'K_ij = (x̂_iᵀ x̂_j + 1) / 2;  p_ij = K_ij / Σ_j K_ij   (for the teacher: p^t, for the student: p^s)',
    'L = (1/B²) Σ_i Σ_j p^t_ij · log((p^t_ij + ε) / (p^s_ij + ε))',
  ],
  details: [
    'The mean over all B² entries, exactly the authors\' code and RepDistiller\'s (the paper\'s equation 10 up to that constant).',
    'RepDistiller weights it by 30000.',
    'The teacher\'s tap is a constant; taps of any shapes (flattened per example).',
  ],
  example: { student: 'embedding', teacher: 'embedding' },
  exampleWeight: 30000,
};

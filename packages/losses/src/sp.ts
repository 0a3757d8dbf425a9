import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { defineLoss, lossHelper, type LossInputs, type LossInstance } from '@kdlab/core';
import { requireTeacher, resolveTapPair, takeTapPair, tapPairsSchema } from './feature-taps.js';
import { flattenBatch, l2Normalize } from './tensor-math.js';
import { stopGradient } from './stop-gradient.js';
import type { LossDocumentation } from './docs/loss-documentation.js';

/** Options of the `sp` loss (similarity-preserving). */
export const spOptions = z.strictObject({
  /** The student/teacher taps whose batch similarity matrices are matched; the losses of the pairs are summed. */
  pairs: tapPairsSchema.describe(
    "The student/teacher feature taps (any shapes) whose batch similarity matrices are matched, as { student, teacher } pairs; the pairs' losses are summed.",
  ),
});

/** The parsed options of the `sp` loss. */
export type SpOptions = z.output<typeof spOptions>;

/** The row-normalised similarity matrix `[B, B]` of a batch of activations: `normalize_rows(F·Fᵀ)`. */
function similarityMatrix(tap: tf.Tensor): tf.Tensor2D {
  const flat = flattenBatch(tap);
  return l2Normalize(tf.matMul(flat, flat, false, true), 1) as tf.Tensor2D;
}

/**
 * Similarity-preserving distillation: inputs that the teacher finds similar should be similar for
 * the student. For a batch of `B` examples and a tap pair, with activations flattened to `F_s`
 * `[B, D_s]` and `F_t` `[B, D_t]`:
 *
 * `G = normalize_rows(F·Fᵀ)` (each row divided by its L2 norm), and
 * `L_pair = (1/B²) ‖G_t − G_s‖²_F`, summed over the pairs.
 *
 * Only `B × B` matrices are compared, so the taps may have any shapes. The paper's `γ = 3000`
 * (CIFAR-10) belongs in the term's weight: `sp({ pairs, weight: 3000 })`, as RepDistiller. The
 * teacher's taps are constants.
 *
 * Reference: Tung and Mori 2019, "Similarity-Preserving Knowledge Distillation", ICCV, arXiv:1907.09682 (equations 2 to 4).
 */
export const spLoss = defineLoss({
  id: 'sp',
  description: "Similarity-preserving KD: match the student's row-normalised batch similarity matrix to the teacher's.",
  reference: 'Tung and Mori 2019, "Similarity-Preserving Knowledge Distillation", ICCV 2019, arXiv:1907.09682',
  options: spOptions,
  needs: (options) => ({
    teacherLogits: false,
    studentFeatures: [...new Set(options.pairs.map((pair) => pair.student))],
    teacherFeatures: [...new Set(options.pairs.map((pair) => pair.teacher))],
  }),
  create(options, context): LossInstance {
    requireTeacher('sp', context, 'feature taps');
    const pairs = options.pairs.map((pair) => resolveTapPair('sp', pair, context));
    return {
      variables: [],
      compute(inputs: LossInputs): tf.Scalar {
        const taps = pairs.map((shapes) => takeTapPair('sp', shapes, inputs.student, inputs.teacher));
        return tf.tidy(() => {
          const perPair = taps.map(([studentTap, teacherTap]) => {
            const batch = studentTap.shape[0] ?? 1;
            const difference = tf.sub(similarityMatrix(stopGradient(teacherTap)), similarityMatrix(studentTap));
            return tf.div(tf.sum(tf.square(difference)), batch * batch);
          });
          return tf.addN(perPair) as tf.Scalar;
        });
      },
      dispose(): void {},
    };
  },
});

/**
 * Experiment helper of the `sp` loss: `sp({ pairs: [{ student: 'block3', teacher: 'block3' }], weight: 3000 })`.
 * Returns plain data `{ kind: 'sp', ... }`, validated against {@link spOptions} when the experiment is resolved.
 */
export const sp = lossHelper(spLoss);

/** The documentation page of the `sp` loss (`docs/losses/sp.md`), rendered by `scripts/generate-loss-docs.ts`. */
export const spDocumentation: LossDocumentation = {
  loss: spLoss,
  title: 'similarity-preserving distillation',
  formula: [
    'F: activations of a tap flattened to [B, D];  G = normalize_rows(F·Fᵀ)  (each row divided by its L2 norm)',
    'L = Σ_pairs (1/B²) ‖G_t − G_s‖²_F',
  ],
  details: [
    'Only `B × B` similarity matrices are compared, so the student\'s and the teacher\'s taps may have any shapes.',
    'The paper\'s γ = 3000 (CIFAR-10) goes in the term\'s weight (as RepDistiller).',
    'The teacher\'s taps are constants.',
  ],
  example: { pairs: [{ student: 'block3', teacher: 'block3' }] },
  exampleWeight: 3000,
};

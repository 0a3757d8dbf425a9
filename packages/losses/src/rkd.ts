import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { defineLoss, lossHelper, type LossInputs, type LossInstance } from '@kdlab/core';
import { requireTeacher, resolveTapPair, takeTapPair, tapName } from './feature-taps.js';
import { flattenBatch, l2Normalize, smoothL1Mean } from './tensor-math.js';
import { stopGradient } from './stop-gradient.js';
import type { LossDocumentation } from './docs/loss-documentation.js';

/** Options of the `rkd` loss (relational knowledge distillation). */
export const rkdOptions = z.strictObject({
  /** The student's embedding tap (any shape; flattened per example). */
  student: tapName('student').describe("The student's embedding tap (any shape; flattened per example)."),
  /** The teacher's embedding tap (any shape; flattened per example). */
  teacher: tapName('teacher').describe("The teacher's embedding tap (any shape; flattened per example)."),
  /** Weight λ_D of the distance term. Default 25. */
  distanceWeight: z
    .number({ error: 'distanceWeight must be a number of at least 0.' })
    .min(0, { error: 'distanceWeight must be at least 0.' })
    .default(25)
    .describe('Weight λ_D of the distance-wise term (25 in the paper and RepDistiller).'),
  /** Weight λ_A of the angle term. Default 50. */
  angleWeight: z
    .number({ error: 'angleWeight must be a number of at least 0.' })
    .min(0, { error: 'angleWeight must be at least 0.' })
    .default(50)
    .describe('Weight λ_A of the angle-wise term (50 in the paper and RepDistiller).'),
});

/** The parsed, defaulted options of the `rkd` loss. */
export type RkdOptions = z.output<typeof rkdOptions>;

/** Floor of the squared pairwise distances before the square root (RepDistiller's `clamp(min=1e-12)`). */
const DISTANCE_FLOOR = 1e-12;

/**
 * Pairwise Euclidean distances `[B, B]` of a batch `[B, D]`, divided by their mean over the pairs
 * `i ≠ j` with a positive distance; the diagonal is 0.
 */
function normalisedDistances(embeddings: tf.Tensor2D): tf.Tensor2D {
  const batch = embeddings.shape[0];
  const squaredNorms = tf.sum(tf.square(embeddings), 1);
  const gram = tf.matMul(embeddings, embeddings, false, true);
  const squared = tf.sub(tf.add(tf.reshape(squaredNorms, [batch, 1]), tf.reshape(squaredNorms, [1, batch])), tf.mul(gram, 2));
  const offDiagonal = tf.sub(1, tf.eye(batch));
  const distances = tf.mul(tf.sqrt(tf.maximum(squared, DISTANCE_FLOOR)), offDiagonal);
  // The number of positive distances is a constant of the batch (read here: tfjs has no gradient for a comparison).
  const positives = Float32Array.from(distances.dataSync()).filter((distance) => distance > 0).length;
  return tf.div(distances, tf.div(tf.sum(distances), Math.max(positives, 1))) as tf.Tensor2D;
}

/**
 * The cosines of every angle `∠(e_j, e_i, e_k)` at vertex `i`, `[B·B·B]`: `⟨n(e_j − e_i), n(e_k − e_i)⟩`
 * with `n` the L2 normalisation (`F.normalize`, so a zero difference gives a zero vector).
 */
function angleCosines(embeddings: tf.Tensor2D): tf.Tensor1D {
  const [batch, dimension] = embeddings.shape;
  const differences = tf.sub(tf.reshape(embeddings, [1, batch, dimension]), tf.reshape(embeddings, [batch, 1, dimension]));
  const directions = l2Normalize(differences, 2) as tf.Tensor3D;
  return tf.reshape(tf.matMul(directions, directions, false, true), [-1]);
}

/**
 * Relational knowledge distillation: the student keeps the teacher's distances and angles between
 * the examples of a batch. With embeddings flattened to `s`, `t` (`[B, D]`):
 *
 * - distance term: `ψ_D(i, j) = ‖e_i − e_j‖₂ / μ`, with `μ` the mean distance over pairs `i ≠ j`;
 *   `L_D = mean over all B² (i, j) of smoothL1(ψ_D^s − ψ_D^t)`;
 * - angle term: `ψ_A(i, j, k) = ⟨n(e_j − e_i), n(e_k − e_i)⟩` with `n(v) = v/‖v‖₂`;
 *   `L_A = mean over all B³ (i, j, k) of smoothL1(ψ_A^s − ψ_A^t)`;
 * - `L = λ_D·L_D + λ_A·L_A`, smooth L1 with `β = 1` (Huber).
 *
 * As the paper (equations 4 to 7) and RepDistiller: the means run over every entry including the zero
 * diagonal; the teacher's relations are constants. Needs a batch of at least 2.
 *
 * Reference: Park, Kim, Lu, Cho 2019, "Relational Knowledge Distillation", CVPR, arXiv:1904.05068.
 */
export const rkdLoss = defineLoss({
  id: 'rkd',
  description: "Relational KD: the student keeps the teacher's normalised pairwise distances and triplet angles within a batch.",
  reference: 'Park, Kim, Lu, Cho 2019, "Relational Knowledge Distillation", CVPR 2019, arXiv:1904.05068',
  options: rkdOptions,
  needs: (options) => ({ teacherLogits: false, studentFeatures: [options.student], teacherFeatures: [options.teacher] }),
  create(options, context): LossInstance {
    requireTeacher('rkd', context, 'feature taps');
    const shapes = resolveTapPair('rkd', { student: options.student, teacher: options.teacher }, context);
    const { distanceWeight, angleWeight } = options;
    return {
      variables: [],
      compute(inputs: LossInputs): tf.Scalar {
        const [studentTap, teacherTap] = takeTapPair('rkd', shapes, inputs.student, inputs.teacher);
        if ((studentTap.shape[0] ?? 0) < 2) {
          throw new Error(`rkd loss: relations need a batch of at least 2 examples, got student tap "${options.student}" of shape [${studentTap.shape.join(',')}].`);
        }
        return tf.tidy(() => {
          const student = flattenBatch(studentTap);
          const teacher = flattenBatch(stopGradient(teacherTap));
          const terms: tf.Scalar[] = [];
          if (distanceWeight > 0) {
            terms.push(tf.mul(smoothL1Mean(normalisedDistances(student), normalisedDistances(teacher)), distanceWeight));
          }
          if (angleWeight > 0) {
            terms.push(tf.mul(smoothL1Mean(angleCosines(student), angleCosines(teacher)), angleWeight));
          }
          return terms.length === 0 ? tf.scalar(0) : (tf.addN(terms) as tf.Scalar);
        });
      },
      dispose(): void {},
    };
  },
});

/**
 * Experiment helper of the `rkd` loss: `rkd({ student: 'embedding', teacher: 'embedding' })`.
 * Returns plain data `{ kind: 'rkd', ... }`, validated against {@link rkdOptions} when the experiment is resolved.
 */
export const rkd = lossHelper(rkdLoss);

/** The documentation page of the `rkd` loss (`docs/losses/rkd.md`), rendered by `scripts/generate-loss-docs.ts`. */
export const rkdDocumentation: LossDocumentation = {
  loss: rkdLoss,
  title: 'relational knowledge distillation',
  formula: [
    'e_i: example i of a tap, flattened;  n(v) = v / ‖v‖₂',
    'ψ_D(i, j) = ‖e_i − e_j‖₂ / μ,  μ = mean of ‖e_i − e_j‖₂ over the pairs i ≠ j',
    'ψ_A(i, j, k) = ⟨n(e_j − e_i), n(e_k − e_i)⟩',
    'L = λ_D · mean_{i,j} huber(ψ_D^s − ψ_D^t) + λ_A · mean_{i,j,k} huber(ψ_A^s − ψ_A^t)',
    'huber(d) = ½d² if |d| < 1, |d| − ½ otherwise  (smooth L1, β = 1)',
  ],
  details: [
    'As the paper (equations 4 to 7) and RepDistiller: the means run over all B² pairs and B³ triplets, the zero diagonal included.',
    'The teacher\'s relations are constants; a batch needs at least 2 examples.',
    "torchdistill's sample configuration uses λ_D = 1, λ_A = 2.",
  ],
  example: { student: 'embedding', teacher: 'embedding' },
  exampleWeight: 1,
};

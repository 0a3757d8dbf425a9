import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { defineLoss, lossHelper, type LossInputs, type LossInstance } from '@kdlab/core';
import { checkLogits, checkNumClasses, checkSameShape } from './check-inputs.js';
import { requireTeacher } from './feature-taps.js';
import { euclideanNorm } from './tensor-math.js';
import { stopGradient } from './stop-gradient.js';
import type { LossDocumentation } from './docs/loss-documentation.js';

/** Options of the `dist` loss. */
export const distOptions = z.strictObject({
  /** Weight β of the inter-class relation term. Default 1. */
  beta: z
    .number({ error: 'beta must be a number of at least 0.' })
    .min(0, { error: 'beta must be at least 0.' })
    .default(1)
    .describe('Weight β of the inter-class relation (each example\'s prediction over classes); 1 in the paper.'),
  /** Weight γ of the intra-class relation term. Default 1. */
  gamma: z
    .number({ error: 'gamma must be a number of at least 0.' })
    .min(0, { error: 'gamma must be at least 0.' })
    .default(1)
    .describe('Weight γ of the intra-class relation (each class\'s predictions over the batch); 1 in the paper.'),
  /** Softmax temperature τ of both models. Default 1. */
  temperature: z
    .number({ error: 'temperature must be a number above 0.' })
    .positive({ error: 'temperature must be above 0 (it divides the logits).' })
    .default(1)
    .describe('Softmax temperature τ of both models (1, the default of the authors\' code).'),
});

/** The parsed, defaulted options of the `dist` loss. */
export type DistOptions = z.output<typeof distOptions>;

/** The constant added to the product of norms in the Pearson correlation (as the authors' code). */
const PEARSON_EPS = 1e-8;

/** Mean over rows of the Pearson correlation between the rows of `a` and `b` (`[N, M]` each). */
function meanRowPearson(a: tf.Tensor2D, b: tf.Tensor2D): tf.Scalar {
  const centredA = tf.sub(a, tf.mean(a, 1, true));
  const centredB = tf.sub(b, tf.mean(b, 1, true));
  const products = tf.sum(tf.mul(centredA, centredB), 1, true);
  const norms = tf.add(tf.mul(euclideanNorm(centredA, 1), euclideanNorm(centredB, 1)), PEARSON_EPS);
  return tf.mean(tf.div(products, norms));
}

/**
 * DIST: distillation from a stronger teacher by relations rather than exact probabilities. With
 * `Y = softmax(z/τ)` for each model (`[B, K]`) and `ρ` the Pearson correlation (`⟨u − ū, v − v̄⟩ /
 * (‖u − ū‖·‖v − v̄‖ + 1e-8)`):
 *
 * - inter-class relation: `L_inter = 1 − (1/B) Σ_b ρ(Y^s_b,:, Y^t_b,:)` (each example's row);
 * - intra-class relation: `L_intra = 1 − (1/K) Σ_k ρ(Y^s_:,k, Y^t_:,k)` (each class's column over the batch);
 * - `L = τ²·(β·L_inter + γ·L_intra)`.
 *
 * Defaults `β = γ = τ = 1`, the defaults of the authors' code. Needs a batch of at
 * least 2 for the intra-class term to be informative. The teacher's logits are constants.
 *
 * Reference: Huang, You, Wang, Qian, Xu 2022, "Knowledge Distillation from A Stronger Teacher", NeurIPS, arXiv:2205.10536 (equations 6 to 9).
 */
export const distLoss = defineLoss({
  id: 'dist',
  description: 'DIST: 1 − Pearson correlation between student and teacher probabilities, per example (inter) and per class (intra).',
  reference: 'Huang, You, Wang, Qian, Xu 2022, "Knowledge Distillation from A Stronger Teacher", NeurIPS 2022, arXiv:2205.10536',
  options: distOptions,
  needs: () => ({ teacherLogits: true, studentFeatures: [], teacherFeatures: [] }),
  create(options, context): LossInstance {
    requireTeacher('dist', context, 'logits');
    checkNumClasses('dist', context.numClasses);
    const { numClasses } = context;
    const { beta, gamma, temperature } = options;
    return {
      variables: [],
      compute(inputs: LossInputs): tf.Scalar {
        if (!inputs.teacher) {
          throw new Error('dist loss: compute() was given no teacher outputs (inputs.teacher is undefined).');
        }
        const studentLogits = inputs.student.logits;
        const teacherLogits = inputs.teacher.logits;
        checkLogits('dist', 'student logits', studentLogits, numClasses);
        checkSameShape('dist', studentLogits, teacherLogits);
        return tf.tidy(() => {
          const student = tf.softmax(tf.div(studentLogits, temperature)) as tf.Tensor2D;
          const teacher = tf.softmax(tf.div(stopGradient(teacherLogits), temperature)) as tf.Tensor2D;
          const inter = tf.sub(1, meanRowPearson(student, teacher));
          const intra = tf.sub(1, meanRowPearson(tf.transpose(student), tf.transpose(teacher)));
          const weighted = tf.add(tf.mul(inter, beta), tf.mul(intra, gamma));
          return tf.mul(weighted, temperature * temperature) as tf.Scalar;
        });
      },
      dispose(): void {},
    };
  },
});

/**
 * Experiment helper of the `dist` loss: `dist({ temperature: 4 })`.
 * Returns plain data `{ kind: 'dist', ... }`, validated against {@link distOptions} when the experiment is resolved.
 */
export const dist = lossHelper(distLoss);

/** The documentation page of the `dist` loss (`docs/losses/dist.md`), rendered by `scripts/generate-loss-docs.ts`. */
export const distDocumentation: LossDocumentation = {
  loss: distLoss,
  title: 'DIST: relations from a stronger teacher',
  formula: [
    'Y = softmax(z/τ) for each model, [B, K]',
    'ρ(u, v) = ⟨u − ū, v − v̄⟩ / (‖u − ū‖·‖v − v̄‖ + 1e-8)',
    'L_inter = 1 − (1/B) Σ_b ρ(Y^s_b,:, Y^t_b,:)     (each example over the classes)',
    'L_intra = 1 − (1/K) Σ_k ρ(Y^s_:,k, Y^t_:,k)     (each class over the batch)',
    'L = τ² · (β·L_inter + γ·L_intra)',
  ],
  details: [
    'Pearson correlation only asks the student to preserve the teacher\'s relations, not its exact probabilities.',
    'The teacher\'s logits are constants; the intra-class term needs a batch of at least 2.',
  ],
  example: { temperature: 1 },
  exampleWeight: 1,
};

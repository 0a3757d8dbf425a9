import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { defineLoss, lossHelper, type LossInputs, type LossInstance } from '@kdlab/core';
import { requireTeacher, resolveTapPair, takeTapPair, tapPairsSchema, tapShapeError, type TapPairShapes } from './feature-taps.js';
import { channelRows, l2Normalize } from './tensor-math.js';
import { stopGradient } from './stop-gradient.js';
import type { LossDocumentation } from './docs/loss-documentation.js';

/** Options of the `nst` loss (neuron selectivity transfer). */
export const nstOptions = z.strictObject({
  /** The student/teacher feature-map pairs whose neuron selectivity patterns are matched; the losses of the pairs are summed. */
  pairs: tapPairsSchema.describe(
    "The student/teacher feature-map taps [height,width,channels] whose channel distributions are matched, as { student, teacher } pairs; the pairs' losses are summed.",
  ),
  /** Degree `d` of the polynomial kernel `(xᵀy + c)^d`. Default 2. */
  degree: z
    .number({ error: 'degree must be a whole number of at least 1.' })
    .int({ error: 'degree must be a whole number.' })
    .min(1, { error: 'degree must be at least 1.' })
    .default(2)
    .describe('Degree d of the polynomial kernel k(x, y) = (xᵀy + c)^d (the paper uses d = 2).'),
  /** Constant `c` of the polynomial kernel `(xᵀy + c)^d`. Default 0. */
  constant: z
    .number({ error: 'constant must be a number of at least 0.' })
    .min(0, { error: 'constant must be at least 0.' })
    .default(0)
    .describe('Constant c of the polynomial kernel k(x, y) = (xᵀy + c)^d (the paper uses c = 0).'),
});

/** The parsed, defaulted options of the `nst` loss. */
export type NstOptions = z.output<typeof nstOptions>;

/** Checks that a pair is two feature maps of the same spatial size. */
function checkSelectivityPair(shapes: TapPairShapes): void {
  const { studentShape, teacherShape } = shapes;
  if (studentShape.length !== 3 || teacherShape.length !== 3) {
    throw tapShapeError('nst', shapes, 'neuron selectivity transfer needs feature maps [height,width,channels] on both sides');
  }
  if (studentShape[0] !== teacherShape[0] || studentShape[1] !== teacherShape[1]) {
    throw tapShapeError(
      'nst',
      shapes,
      `each channel's spatial map is a sample, so the spatial sizes must agree (${studentShape[0]}×${studentShape[1]} vs ${teacherShape[0]}×${teacherShape[1]}); the channels may differ`,
    );
  }
}

/** The mean over batch and channel pairs of the polynomial kernel between the rows of `a` `[B, C_a, N]` and `b` `[B, C_b, N]`. */
function meanKernel(a: tf.Tensor3D, b: tf.Tensor3D, degree: number, constant: number): tf.Scalar {
  const products = tf.matMul(a, b, false, true);
  const shifted = constant === 0 ? products : tf.add(products, constant);
  return tf.mean(degree === 2 ? tf.square(shifted) : tf.pow(shifted, degree));
}

/**
 * Neuron selectivity transfer: the distribution of the student's channel activation patterns matches
 * the teacher's, by the squared maximum mean discrepancy with a polynomial kernel. Each channel `i`
 * of a feature map `[H, W, C]` is a sample `f^i` in `R^{H·W}`, L2-normalised. With the kernel
 * `k(x, y) = (xᵀy + c)^d` (default `d = 2, c = 0`), for each tap pair, averaged over the batch:
 *
 * `L_pair = mean_{i,i'} k(f_t^i, f_t^i') + mean_{j,j'} k(f_s^j, f_s^j') − 2·mean_{i,j} k(f_s^j, f_t^i)`,
 *
 * summed over the pairs (the paper's equation 5, the first term constant). The paper's `λ = 50`
 * (CIFAR, as RepDistiller) belongs in the term's weight. Channels may differ; spatial sizes must agree.
 * The teacher's taps are constants.
 *
 * Reference: Huang and Wang 2017, "Like What You Like: Knowledge Distill via Neuron Selectivity Transfer", arXiv:1707.01219.
 */
export const nstLoss = defineLoss({
  id: 'nst',
  description: "Neuron selectivity transfer: squared MMD (polynomial kernel) between the student's and the teacher's normalised channel maps.",
  reference: 'Huang and Wang 2017, "Like What You Like: Knowledge Distill via Neuron Selectivity Transfer", arXiv:1707.01219',
  options: nstOptions,
  needs: (options) => ({
    teacherLogits: false,
    studentFeatures: [...new Set(options.pairs.map((pair) => pair.student))],
    teacherFeatures: [...new Set(options.pairs.map((pair) => pair.teacher))],
  }),
  create(options, context): LossInstance {
    requireTeacher('nst', context, 'feature taps');
    const pairs = options.pairs.map((pair) => resolveTapPair('nst', pair, context));
    pairs.forEach(checkSelectivityPair);
    const { degree, constant } = options;
    return {
      variables: [],
      compute(inputs: LossInputs): tf.Scalar {
        const taps = pairs.map((shapes) => takeTapPair('nst', shapes, inputs.student, inputs.teacher));
        return tf.tidy(() => {
          const perPair = taps.map(([studentTap, teacherTap]) => {
            const student = l2Normalize(channelRows(studentTap), 2) as tf.Tensor3D;
            const teacher = l2Normalize(channelRows(stopGradient(teacherTap)), 2) as tf.Tensor3D;
            const teacherTerm = meanKernel(teacher, teacher, degree, constant);
            const studentTerm = meanKernel(student, student, degree, constant);
            const crossTerm = meanKernel(student, teacher, degree, constant);
            return tf.sub(tf.add(teacherTerm, studentTerm), tf.mul(crossTerm, 2));
          });
          return tf.addN(perPair) as tf.Scalar;
        });
      },
      dispose(): void {},
    };
  },
});

/**
 * Experiment helper of the `nst` loss: `nst({ pairs: [{ student: 'block2', teacher: 'block3' }], weight: 50 })`.
 * Returns plain data `{ kind: 'nst', ... }`, validated against {@link nstOptions} when the experiment is resolved.
 */
export const nst = lossHelper(nstLoss);

/** The documentation page of the `nst` loss (`docs/losses/nst.md`), rendered by `scripts/generate-loss-docs.ts`. */
export const nstDocumentation: LossDocumentation = {
  loss: nstLoss,
  title: 'neuron selectivity transfer',
  formula: [
    'f^i: channel i of a map [H, W, C] as a vector in R^{H·W}, L2-normalised',
    'k(x, y) = (xᵀy + c)^d',
    'L = Σ_pairs mean_b [ mean_{i,i\'} k(f_t^i, f_t^i\') + mean_{j,j\'} k(f_s^j, f_s^j\') − 2·mean_{i,j} k(f_s^j, f_t^i) ]',
  ],
  details: [
    'The squared maximum mean discrepancy of the paper\'s equation 5 (the teacher term is a constant, kept so the loss is 0 at a perfect match), as RepDistiller\'s NSTLoss.',
    'The paper\'s λ = 50 (CIFAR, as RepDistiller) goes in the term\'s weight.',
    'Channels may differ; the spatial sizes of each pair must agree (checked at create).',
  ],
  example: { pairs: [{ student: 'block3', teacher: 'block3' }] },
  exampleWeight: 50,
};

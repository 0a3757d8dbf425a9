import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { defineLoss, lossHelper, type LossInputs, type LossInstance } from '@kdlab/core';
import { requireTeacher, resolveTapPair, takeTapPair, tapName, tapShapeError } from './feature-taps.js';
import { stopGradient } from './stop-gradient.js';
import type { LossDocumentation } from './docs/loss-documentation.js';

/** Options of the `cosine` loss (DistilBERT's cosine embedding loss). */
export const cosineOptions = z.strictObject({
  /** The student's hidden-state tap; its last axis is the hidden dimension. */
  student: tapName('student').describe("The student's hidden-state tap; its last axis is the hidden dimension."),
  /** The teacher's hidden-state tap, of the same shape as the student's. */
  teacher: tapName('teacher').describe("The teacher's hidden-state tap, of the same shape as the student's."),
  /**
   * A student tap weighting the positions, of the hidden-state taps' shape without the hidden axis
   * (`[seq]`): 1 for a real token, 0 for padding, as the token `transformer`'s `mask` tap gives. With it,
   * only real tokens count, as in DistilBERT. Optional without a default, so that experiments without it
   * keep their config hash.
   */
  mask: tapName('mask')
    .describe("A student tap weighting the positions ([seq], 1 real token, 0 padding: the token transformer's 'mask'); only real tokens count, as in DistilBERT.")
    .optional(),
});

/** The parsed options of the `cosine` loss. */
export type CosineOptions = z.output<typeof cosineOptions>;

/** PyTorch's `EPSILON` of `cosine_embedding_loss`, added to each squared norm. */
const COSINE_EPS = 1e-12;

/**
 * DistilBERT's cosine embedding loss: the student's hidden states point the way the teacher's do.
 * The last axis of a tap is the hidden dimension `H`; every other position (a token of `[seq, H]`,
 * a pixel of `[height, width, H]`, or the example itself for `[H]`) is one vector. Over all `N`
 * vectors of the batch:
 *
 * `L = (1/N) Σ_n (1 − cos(s_n, t_n))`, with `cos(s, t) = sᵀt / √((‖s‖² + 1e-12)(‖t‖² + 1e-12))`,
 *
 * PyTorch's `nn.CosineEmbeddingLoss` with target 1 and mean reduction, as DistilBERT applies it to the
 * last hidden states (`alpha_cos`). DistilBERT leaves out padded tokens: with `mask`, a student tap of
 * weights `m_n` (1 for a real token, 0 for padding), `L = Σ_n m_n (1 − cos(s_n, t_n)) / Σ_n m_n`; without
 * it every position counts, padded ones included. The taps must have the same shape (DistilBERT's student
 * keeps the teacher's hidden size). The teacher's tap is a constant.
 *
 * Reference: Sanh, Debut, Chaumond, Wolf 2019, "DistilBERT, a distilled version of BERT", arXiv:1910.01108 (section 3).
 */
export const cosineLoss = defineLoss({
  id: 'cosine',
  description: "DistilBERT's cosine embedding loss: mean of 1 − cos(student, teacher) over every hidden-state vector.",
  reference: 'Sanh, Debut, Chaumond, Wolf 2019, "DistilBERT, a distilled version of BERT: smaller, faster, cheaper and lighter", arXiv:1910.01108',
  options: cosineOptions,
  needs: (options) => ({ teacherLogits: false, studentFeatures: options.mask === undefined ? [options.student] : [options.student, options.mask], teacherFeatures: [options.teacher] }),
  create(options, context): LossInstance {
    requireTeacher('cosine', context, 'feature taps');
    const shapes = resolveTapPair('cosine', { student: options.student, teacher: options.teacher }, context);
    const { studentShape, teacherShape } = shapes;
    if (studentShape.length === 0 || studentShape.length !== teacherShape.length || studentShape.some((size, axis) => size !== teacherShape[axis])) {
      throw tapShapeError('cosine', shapes, 'the cosine loss compares hidden states position by position, so both taps need the same shape');
    }
    const hidden = studentShape[studentShape.length - 1] ?? 1;
    const maskTap = options.mask;
    if (maskTap !== undefined) {
      const maskShape = context.studentFeatureShapes[maskTap];
      const positions = studentShape.slice(0, -1);
      if (maskShape === undefined) {
        throw new Error(`cosine loss: the student has no feature tap "${maskTap}" for mask (its taps: ${Object.entries(context.studentFeatureShapes).map(([name, shape]) => `${name} [${shape.join(',')}]`).join(', ')}).`);
      }
      if (maskShape.length !== positions.length || maskShape.some((size, axis) => size !== positions[axis])) {
        throw new Error(`cosine loss: mask tap "${maskTap}" [${maskShape.join(',')}] must have the positions of hidden-state tap "${options.student}" [${studentShape.join(',')}], i.e. [${positions.join(',')}].`);
      }
    }
    return {
      variables: [],
      compute(inputs: LossInputs): tf.Scalar {
        const [studentTap, teacherTap] = takeTapPair('cosine', shapes, inputs.student, inputs.teacher);
        const maskValues = maskTap === undefined ? undefined : inputs.student.features[maskTap];
        if (maskTap !== undefined && maskValues === undefined) throw new Error(`cosine loss: compute() was given no student tap "${maskTap}" for mask.`);
        return tf.tidy(() => {
          const student = tf.reshape(studentTap, [-1, hidden]);
          const teacher = tf.reshape(stopGradient(teacherTap), [-1, hidden]);
          const products = tf.sum(tf.mul(student, teacher), 1);
          const studentSquared = tf.add(tf.sum(tf.square(student), 1), COSINE_EPS);
          const teacherSquared = tf.add(tf.sum(tf.square(teacher), 1), COSINE_EPS);
          const cosines = tf.div(products, tf.sqrt(tf.mul(studentSquared, teacherSquared)));
          if (maskValues === undefined) return tf.mean(tf.sub(1, cosines));
          const weights = tf.reshape(stopGradient(maskValues), [-1]);
          // A batch of padding only (no real token) counts nothing rather than dividing by 0.
          return tf.div(tf.sum(tf.mul(weights, tf.sub(1, cosines))), tf.maximum(tf.sum(weights), 1));
        });
      },
      dispose(): void {},
    };
  },
});

/**
 * Experiment helper of the `cosine` loss: `cosine({ student: 'hidden', teacher: 'hidden' })`.
 * Returns plain data `{ kind: 'cosine', ... }`, validated against {@link cosineOptions} when the experiment is resolved.
 */
export const cosine = lossHelper(cosineLoss);

/** The documentation page of the `cosine` loss (`docs/losses/cosine.md`), rendered by `scripts/generate-loss-docs.ts`. */
export const cosineDocumentation: LossDocumentation = {
  loss: cosineLoss,
  title: "DistilBERT's cosine embedding loss",
  formula: [
    'every position (a token of [seq, H], a pixel of [h, w, H], or the example of [H]) is one vector; N vectors in the batch',
    'cos(s, t) = sᵀt / √((‖s‖² + 1e-12)(‖t‖² + 1e-12))',
    'L = (1/N) Σ_n (1 − cos(s_n, t_n))',
  ],
  details: [
    'PyTorch\'s `nn.CosineEmbeddingLoss` with target 1 and mean reduction, as DistilBERT applies it to the last hidden states.',
    'DistilBERT leaves out padded tokens: give `mask`, a student tap of 1s for real tokens and 0s for padding of the positions\' shape (the token `transformer`\'s `mask` tap), and L = Σ_n m_n (1 − cos(s_n, t_n)) / Σ_n m_n. Without it every position counts, padded ones included.',
    'The taps must have the same shape (checked at create, naming both layers and shapes); the teacher\'s tap is a constant.',
  ],
  example: { student: 'hidden', teacher: 'hidden' },
  exampleWeight: 1,
};

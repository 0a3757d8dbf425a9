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
 * last hidden states (`alpha_cos`). DistilBERT leaves out padded tokens; this loss does not see the
 * padding, so every position counts, padded ones included. The taps must have the same shape (DistilBERT's student keeps the
 * teacher's hidden size). The teacher's tap is a constant.
 *
 * Reference: Sanh, Debut, Chaumond, Wolf 2019, "DistilBERT, a distilled version of BERT", arXiv:1910.01108 (section 3).
 */
export const cosineLoss = defineLoss({
  id: 'cosine',
  description: "DistilBERT's cosine embedding loss: mean of 1 − cos(student, teacher) over every hidden-state vector.",
  reference: 'Sanh, Debut, Chaumond, Wolf 2019, "DistilBERT, a distilled version of BERT: smaller, faster, cheaper and lighter", arXiv:1910.01108',
  options: cosineOptions,
  needs: (options) => ({ teacherLogits: false, studentFeatures: [options.student], teacherFeatures: [options.teacher] }),
  create(options, context): LossInstance {
    requireTeacher('cosine', context, 'feature taps');
    const shapes = resolveTapPair('cosine', { student: options.student, teacher: options.teacher }, context);
    const { studentShape, teacherShape } = shapes;
    if (studentShape.length === 0 || studentShape.length !== teacherShape.length || studentShape.some((size, axis) => size !== teacherShape[axis])) {
      throw tapShapeError('cosine', shapes, 'the cosine loss compares hidden states position by position, so both taps need the same shape');
    }
    const hidden = studentShape[studentShape.length - 1] ?? 1;
    return {
      variables: [],
      compute(inputs: LossInputs): tf.Scalar {
        const [studentTap, teacherTap] = takeTapPair('cosine', shapes, inputs.student, inputs.teacher);
        return tf.tidy(() => {
          const student = tf.reshape(studentTap, [-1, hidden]);
          const teacher = tf.reshape(stopGradient(teacherTap), [-1, hidden]);
          const products = tf.sum(tf.mul(student, teacher), 1);
          const studentSquared = tf.add(tf.sum(tf.square(student), 1), COSINE_EPS);
          const teacherSquared = tf.add(tf.sum(tf.square(teacher), 1), COSINE_EPS);
          const cosines = tf.div(products, tf.sqrt(tf.mul(studentSquared, teacherSquared)));
          return tf.mean(tf.sub(1, cosines));
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
    'DistilBERT leaves out padded tokens; this loss does not see the padding, so every position counts, padded ones included (the token `transformer` masks padding in its attention and pooling; its hidden states at padded positions are computed, but nothing else reads them).',
    'The taps must have the same shape (checked at create, naming both layers and shapes); the teacher\'s tap is a constant.',
  ],
  example: { student: 'hidden', teacher: 'hidden' },
  exampleWeight: 1,
};

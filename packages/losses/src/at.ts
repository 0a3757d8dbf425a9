import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { defineLoss, lossHelper, type LossInputs, type LossInstance } from '@kdlab/core';
import { requireTeacher, resolveTapPair, takeTapPair, tapPairsSchema, tapShapeError, type TapPairShapes } from './feature-taps.js';
import { euclideanNorm, l2Normalize } from './tensor-math.js';
import { stopGradient } from './stop-gradient.js';
import type { LossDocumentation } from './docs/loss-documentation.js';

/** Options of the `at` loss (attention transfer). */
export const atOptions = z.strictObject({
  /** The student/teacher feature-map pairs whose attention maps are matched; the losses of the pairs are summed. */
  pairs: tapPairsSchema.describe(
    'The student/teacher feature-map taps [height,width,channels] whose attention maps are matched, as { student, teacher } pairs; the pairs\' losses are summed.',
  ),
  /** The exponent `p` of the attention map `Σ_c |A_c|^p`. Default 2. */
  p: z
    .number({ error: 'p must be a number of at least 1.' })
    .min(1, { error: 'p must be at least 1 (the attention map is Σ_c |A_c|^p).' })
    .default(2)
    .describe('The exponent p of the attention map Q = Σ_c |A_c|^p (the paper uses p = 2).'),
  /** `code` (the authors' code, the default of every reference library) or `paper` (equation 2). Default `code`. */
  mode: z
    .enum(['code', 'paper'], { error: "mode must be 'code' or 'paper'." })
    .default('code')
    .describe(
      "'code': mean over batch and positions of (q_s − q_t)², as the authors' code, RepDistiller, mdistiller and torchdistill; " +
        "'paper': the batch mean of ‖q_s − q_t‖₂ (equation 2, without β/2).",
    ),
});

/** The parsed, defaulted options of the `at` loss. */
export type AtOptions = z.output<typeof atOptions>;

/**
 * The attention map of a feature map `[B, H, W, C]`: `Q = Σ_c |A_c|^p` (or its mean over channels,
 * the same once normalised), flattened to `[B, H·W]` and L2-normalised per example.
 */
function attentionMap(featureMap: tf.Tensor, p: number): tf.Tensor2D {
  const powered = p === 2 ? tf.square(featureMap) : tf.pow(tf.abs(featureMap), p);
  const [batch = 0, height = 0, width = 0] = featureMap.shape;
  const map = tf.reshape(tf.mean(powered, -1), [batch, height * width]);
  return l2Normalize(map, 1) as tf.Tensor2D;
}

/** Checks that a pair is two feature maps of the same spatial size. */
function checkAttentionPair(shapes: TapPairShapes): void {
  const { studentShape, teacherShape } = shapes;
  if (studentShape.length !== 3 || teacherShape.length !== 3) {
    throw tapShapeError('at', shapes, 'attention transfer needs feature maps [height,width,channels] on both sides');
  }
  if (studentShape[0] !== teacherShape[0] || studentShape[1] !== teacherShape[1]) {
    throw tapShapeError(
      'at',
      shapes,
      `attention maps need the same spatial size (${studentShape[0]}×${studentShape[1]} vs ${teacherShape[0]}×${teacherShape[1]}); the channels may differ`,
    );
  }
}

/**
 * Attention transfer: the student's spatial attention maps follow the teacher's. For a feature map
 * `A` `[H, W, C]`, the attention map is `Q = Σ_c |A_c|^p` over channels, flattened, and
 * `q = Q / ‖Q‖₂`. For each tap pair, with the default `mode: 'code'`, over a batch of `B`:
 *
 * `L_pair = (1/(B·H·W)) Σ_b Σ_j (q_s,bj − q_t,bj)²`, and `L = Σ_pairs L_pair`,
 *
 * as in the authors' code (`(at(x) − at(y)).pow(2).mean()`), RepDistiller, mdistiller and torchdistill.
 * `mode: 'paper'` is equation (2): `L_pair = (1/B) Σ_b ‖q_s,b − q_t,b‖₂`. The paper's `β = 1000`
 * (applied as `β/2` in its code) belongs in the term's weight: `at({ pairs, weight: 1000 })`, as RepDistiller.
 * Channels may differ; the spatial sizes must agree. The teacher's taps are constants.
 *
 * Reference: Zagoruyko and Komodakis 2017, "Paying More Attention to Attention", ICLR, arXiv:1612.03928.
 */
export const atLoss = defineLoss({
  id: 'at',
  description: "Attention transfer: match the student's normalised spatial attention maps Σ_c|A_c|^p to the teacher's.",
  reference: 'Zagoruyko and Komodakis 2017, "Paying More Attention to Attention: Improving the Performance of CNNs via Attention Transfer", ICLR 2017, arXiv:1612.03928',
  options: atOptions,
  needs: (options) => ({
    teacherLogits: false,
    studentFeatures: [...new Set(options.pairs.map((pair) => pair.student))],
    teacherFeatures: [...new Set(options.pairs.map((pair) => pair.teacher))],
  }),
  create(options, context): LossInstance {
    requireTeacher('at', context, 'feature taps');
    const pairs = options.pairs.map((pair) => resolveTapPair('at', pair, context));
    pairs.forEach(checkAttentionPair);
    const { p, mode } = options;
    return {
      variables: [],
      compute(inputs: LossInputs): tf.Scalar {
        const taps = pairs.map((shapes) => takeTapPair('at', shapes, inputs.student, inputs.teacher));
        return tf.tidy(() => {
          const perPair = taps.map(([studentTap, teacherTap]) => {
            const difference = tf.sub(attentionMap(studentTap, p), attentionMap(stopGradient(teacherTap), p));
            if (mode === 'code') return tf.mean(tf.square(difference));
            return tf.mean(euclideanNorm(difference, 1));
          });
          return tf.addN(perPair) as tf.Scalar;
        });
      },
      dispose(): void {},
    };
  },
});

/**
 * Experiment helper of the `at` loss: `at({ pairs: [{ student: 'block2', teacher: 'block3' }], weight: 1000 })`.
 * Returns plain data `{ kind: 'at', ... }`, validated against {@link atOptions} when the experiment is resolved.
 */
export const at = lossHelper(atLoss);

/** The documentation page of the `at` loss (`docs/losses/at.md`), rendered by `scripts/generate-loss-docs.ts`. */
export const atDocumentation: LossDocumentation = {
  loss: atLoss,
  title: 'attention transfer',
  formula: [
    'Q(A) = Σ_c |A_c|^p over the channels of a map A [H, W, C], flattened to H·W; q = Q / ‖Q‖₂',
    "mode 'code':  L = Σ_pairs (1/(B·H·W)) Σ_b Σ_j (q_s,bj − q_t,bj)²",
    "mode 'paper': L = Σ_pairs (1/B) Σ_b ‖q_s,b − q_t,b‖₂",
  ],
  details: [
    "'code' is the authors' code and the default of RepDistiller, mdistiller and torchdistill; 'paper' is equation 2 without its β/2.",
    'The paper\'s β = 1000 goes in the term\'s weight (as RepDistiller).',
    'Channels may differ between student and teacher; the spatial sizes of each pair must agree (checked at create, naming both layers and shapes).',
    'The teacher\'s taps are constants.',
  ],
  example: { pairs: [{ student: 'block2', teacher: 'block2' }, { student: 'block3', teacher: 'block3' }] },
  exampleWeight: 1000,
};

import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { defineLoss, lossHelper, type LossInputs, type LossInstance } from '@kdlab/core';
import { checkLabels, checkLogits, checkNumClasses } from './check-inputs.js';
import type { LossDocumentation } from './docs/loss-documentation.js';

/** Options of the `ce` loss; every field has a default. */
export const ceOptions = z.strictObject({
  /**
   * Label smoothing ε in `[0, 1)`: the target puts `1 - ε` on the true class and spreads `ε`
   * uniformly over all `K` classes (as PyTorch's `cross_entropy(label_smoothing=ε)`). Default 0.
   */
  labelSmoothing: z
    .number({ error: 'labelSmoothing must be a number in [0, 1).' })
    .min(0, { error: 'labelSmoothing must be at least 0.' })
    .lt(1, { error: 'labelSmoothing must be below 1 (1 would ignore the labels entirely).' })
    .default(0)
    .describe('Label smoothing ε: the target puts 1 − ε on the true class and spreads ε uniformly over all K classes.'),
});

/** The parsed, defaulted options of the `ce` loss. */
export type CeOptions = z.output<typeof ceOptions>;

/**
 * Hard-label cross-entropy of the student's logits `s` against the integer labels `y`,
 * averaged over the batch of size `B` with `K` classes:
 *
 * `CE = -(1/B) Σ_b Σ_k q_bk · log softmax(s_b)_k`, with `q_b = (1 - ε)·onehot(y_b) + ε/K`.
 *
 * With ε = 0 this is `-(1/B) Σ_b log softmax(s_b)_{y_b}`. Computed with a log-softmax, so it is
 * stable for logits of any magnitude. Needs no teacher: it is the baseline student's loss and the
 * hard-label term of most distillation recipes.
 *
 * Reference: PyTorch `torch.nn.functional.cross_entropy` (`reduction='mean'`, `label_smoothing`);
 * label smoothing from Szegedy et al. 2016, "Rethinking the Inception Architecture for Computer Vision".
 */
export const ceLoss = defineLoss({
  id: 'ce',
  description: 'Hard-label cross-entropy of the student on the integer labels, mean over the batch.',
  reference: 'PyTorch F.cross_entropy; Szegedy et al. 2016 (label smoothing), arXiv:1512.00567',
  options: ceOptions,
  needs: () => ({ teacherLogits: false, studentFeatures: [], teacherFeatures: [] }),
  create(options, context): LossInstance {
    checkNumClasses('ce', context.numClasses);
    const { numClasses } = context;
    const smoothing = options.labelSmoothing;
    return {
      variables: [],
      compute(inputs: LossInputs): tf.Scalar {
        const logits = inputs.student.logits;
        checkLogits('ce', 'student logits', logits, numClasses);
        checkLabels('ce', inputs.labels, logits.shape[0], numClasses);
        return tf.tidy(() => {
          const logProbs = tf.logSoftmax(logits);
          // int32 one-hot, then a cast: the wasm backend's OneHot ignores a float32 dtype (tfjs 4.22).
          const oneHot = tf.cast(tf.oneHot(inputs.labels, numClasses), 'float32');
          const targets = smoothing === 0 ? oneHot : tf.add(tf.mul(oneHot, 1 - smoothing), smoothing / numClasses);
          const perExample = tf.neg(tf.sum(tf.mul(targets, logProbs), -1));
          return tf.mean(perExample) as tf.Scalar;
        });
      },
      dispose(): void {},
    };
  },
});

/**
 * Experiment helper of the `ce` loss: `ce({ weight: 0.3 })`, `ce({ labelSmoothing: 0.1 })`.
 * Returns plain data `{ kind: 'ce', ... }`, validated against {@link ceOptions} when the experiment is resolved.
 */
export const ce = lossHelper(ceLoss);

/** The documentation page of the `ce` loss (`docs/losses/ce.md`), rendered by `scripts/generate-loss-docs.ts`. */
export const ceDocumentation: LossDocumentation = {
  loss: ceLoss,
  title: 'hard-label cross-entropy',
  formula: [
    'CE = −(1/B) Σ_b Σ_k q_bk · log softmax(s_b)_k',
    'q_b = (1 − ε)·onehot(y_b) + ε/K',
  ],
  details: [
    '`B` examples, `K` classes, student logits `s`, integer labels `y`, label smoothing `ε`.',
    'Same values as PyTorch `F.cross_entropy(s, y, label_smoothing=ε)` (mean over the batch).',
    'Needs no teacher: the baseline student\'s loss and the hard-label term of most recipes.',
    'Labels must be int32, shape `[B]`, each in `[0, K)`; anything else is an error naming it.',
  ],
  example: { labelSmoothing: 0.1 },
  exampleWeight: 0.3,
};

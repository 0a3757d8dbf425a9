import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { defineLoss, lossHelper, type LossContext, type LossInputs, type LossInstance } from '@kdlab/core';
import { requireTeacher, resolveTapPair, takeTapPair, tapName, tapShapeError, type TapPairShapes } from './feature-taps.js';
import { seededGenerator, torchDefaultVariable } from './seeded-random.js';
import { stopGradient } from './stop-gradient.js';
import type { LossDocumentation } from './docs/loss-documentation.js';

/** Options of the `hint` loss (FitNets). */
export const hintOptions = z.strictObject({
  /** The student's guided layer: the feature tap the regressor reads. */
  student: tapName('student').describe("The student's guided layer: the feature tap the regressor reads."),
  /** The teacher's hint layer: the feature tap the regressor's output must match. */
  teacher: tapName('teacher').describe("The teacher's hint layer: the feature tap the regressor's output must match."),
  /** The regressor from the guided layer to the hint's shape (see {@link hintLoss}). Default `auto`. */
  regressor: z
    .enum(['auto', 'conv1x1', 'conv3x3', 'dense'], { error: "regressor must be 'auto', 'conv1x1', 'conv3x3' or 'dense'." })
    .default('auto')
    .describe(
      "The regressor r: 'auto' picks FitNets' rule (a valid k1×k2 convolution with k = guided size − hint size + 1 for " +
        "feature maps, a dense layer otherwise); 'conv1x1' and 'conv3x3' keep the spatial size; 'dense' maps the last axis.",
    ),
  /** The regressor's non-linearity; FitNets uses the hint layer's own. Default `linear`. */
  activation: z
    .enum(['linear', 'relu'], { error: "activation must be 'linear' or 'relu'." })
    .default('linear')
    .describe("The regressor's non-linearity: FitNets gives r the hint layer's own ('relu' for a post-ReLU hint)."),
  /** How the squared error is reduced. Default `batchmean` (FitNets' ½‖·‖² per example, averaged over the batch). */
  reduction: z
    .enum(['batchmean', 'mean'], { error: "reduction must be 'batchmean' or 'mean'." })
    .default('batchmean')
    .describe(
      "'batchmean': ½·Σ(t − r(s))² over each example's entries, averaged over the batch (FitNets' equation 3); " +
        "'mean': the mean of (t − r(s))² over every entry (F.mse_loss, as RepDistiller and mdistiller).",
    ),
});

/** The parsed, defaulted options of the `hint` loss. */
export type HintOptions = z.output<typeof hintOptions>;

/** The regressor chosen for a pair of shapes. */
export interface HintRegressorPlan {
  /** `conv` for a convolution over feature maps, `dense` for a linear map on the last axis. */
  kind: 'conv' | 'dense';
  /** Kernel height and width (convolutions only). */
  kernel: [number, number];
  /** `valid` for FitNets' rule and 1×1, `same` for 3×3. */
  padding: 'valid' | 'same';
  /** Size of the student tap's last axis (channels). */
  inChannels: number;
  /** Size of the teacher tap's last axis (channels). */
  outChannels: number;
}

/** Whether two shapes are equal. */
function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, axis) => size === b[axis]);
}

/**
 * Chooses the regressor for a student/teacher tap pair, following FitNets' rule for feature maps:
 * a convolution without padding whose kernel `k_i = N_g,i − N_h,i + 1` maps the guided layer's
 * spatial size `N_g` onto the hint's `N_h` (Romero et al. 2015, section 2.2).
 *
 * @param choice - the `regressor` option.
 * @param shapes - the pair and its shapes (without batch); feature maps are `[H, W, C]`.
 * @throws Error naming both taps and shapes when the choice cannot map one onto the other.
 */
export function planHintRegressor(choice: HintOptions['regressor'], shapes: TapPairShapes): HintRegressorPlan {
  const { studentShape, teacherShape } = shapes;
  const inChannels = studentShape[studentShape.length - 1] ?? 0;
  const outChannels = teacherShape[teacherShape.length - 1] ?? 0;
  const featureMaps = studentShape.length === 3 && teacherShape.length === 3;
  if (studentShape.length === 0 || teacherShape.length === 0) {
    throw tapShapeError('hint', shapes, 'a regressor needs taps with at least one axis');
  }
  if (choice === 'dense' || (choice === 'auto' && !featureMaps)) {
    if (!sameShape(studentShape.slice(0, -1), teacherShape.slice(0, -1))) {
      throw tapShapeError(
        'hint',
        shapes,
        `a dense regressor maps the last axis only, so every other axis must agree ([${studentShape.slice(0, -1).join(',')}] vs ` +
          `[${teacherShape.slice(0, -1).join(',')}])${featureMaps ? "; use regressor 'auto' for FitNets' convolution" : ''}`,
      );
    }
    return { kind: 'dense', kernel: [1, 1], padding: 'valid', inChannels, outChannels };
  }
  if (!featureMaps) {
    throw tapShapeError('hint', shapes, `regressor '${choice}' needs feature maps [height,width,channels] on both sides`);
  }
  const [studentHeight = 0, studentWidth = 0] = studentShape;
  const [teacherHeight = 0, teacherWidth = 0] = teacherShape;
  if (choice === 'auto') {
    if (studentHeight < teacherHeight || studentWidth < teacherWidth) {
      throw tapShapeError(
        'hint',
        shapes,
        `FitNets' convolutional regressor shrinks the guided layer's ${studentHeight}×${studentWidth} map onto the hint's ` +
          `${teacherHeight}×${teacherWidth}, so the student's map must be at least as large; choose a deeper student tap or a shallower teacher tap`,
      );
    }
    return {
      kind: 'conv',
      kernel: [studentHeight - teacherHeight + 1, studentWidth - teacherWidth + 1],
      padding: 'valid',
      inChannels,
      outChannels,
    };
  }
  if (studentHeight !== teacherHeight || studentWidth !== teacherWidth) {
    throw tapShapeError(
      'hint',
      shapes,
      `regressor '${choice}' keeps the spatial size, but ${studentHeight}×${studentWidth} differs from ${teacherHeight}×${teacherWidth}; use regressor 'auto'`,
    );
  }
  return choice === 'conv1x1'
    ? { kind: 'conv', kernel: [1, 1], padding: 'valid', inChannels, outChannels }
    : { kind: 'conv', kernel: [3, 3], padding: 'same', inChannels, outChannels };
}

/** Applies a planned regressor `r(s) = act(s * W + b)` to a student tap `[B, ..., C_s]`. */
function applyRegressor(plan: HintRegressorPlan, activation: HintOptions['activation'], weights: tf.Variable, bias: tf.Variable, student: tf.Tensor): tf.Tensor {
  let output: tf.Tensor;
  if (plan.kind === 'conv') {
    output = tf.add(tf.conv2d(student as tf.Tensor4D, weights as tf.Tensor4D, 1, plan.padding), bias);
  } else {
    const rows = tf.reshape(student, [-1, plan.inChannels]);
    const mapped = tf.add(tf.matMul(rows, weights as tf.Tensor2D), bias);
    output = tf.reshape(mapped, [...student.shape.slice(0, -1), plan.outChannels]);
  }
  return activation === 'relu' ? tf.relu(output) : output;
}

/**
 * FitNets' hint loss: the student's guided layer `s`, through a trainable regressor `r`, regresses
 * the teacher's hint layer `t`. With the default `reduction: 'batchmean'`, over a batch of size `B`:
 *
 * `L = (1/B) Σ_b ½ ‖t_b − r(s_b)‖²`, the squared error summed over every entry of one example's hint
 * (height × width × channels, or its length), halved, then averaged over the batch: FitNets' equation
 * (3) `L_HT = ½‖u_h(x) − r(v_g(x))‖²` per example. (`reduction: 'mean'` is `mean((t − r(s))²)` over all
 * entries, no ½: RepDistiller's and mdistiller's `F.mse_loss`; torchdistill's sample configuration uses
 * `MSELoss(reduction='sum')`, i.e. `2B` times the default.)
 *
 * The regressor: for feature maps `[H, W, C]`, FitNets' convolution without padding whose kernel
 * `(H_s − H_t + 1) × (W_s − W_t + 1)` maps the student's spatial size onto the teacher's (1×1 when
 * they agree); for vectors, a dense layer. Its weights and bias are the loss's {@link LossInstance.variables}
 * (`[weights, bias]`, weights `[kh, kw, C_s, C_t]` or `[C_s, C_t]`), initialised from `context.seed` as
 * PyTorch initialises a layer (uniform in `±1/√fanIn`), and trained alongside the student. The teacher's
 * tap is a constant.
 *
 * Reference: Romero et al. 2015, "FitNets: Hints for Thin Deep Nets", ICLR, arXiv:1412.6550.
 */
export const hintLoss = defineLoss({
  id: 'hint',
  description: "FitNets' hint: a trainable regressor on a student layer regresses a teacher layer, ½‖t − r(s)‖² batch-mean.",
  reference: 'Romero et al. 2015, "FitNets: Hints for Thin Deep Nets", ICLR 2015, arXiv:1412.6550',
  options: hintOptions,
  needs: (options) => ({ teacherLogits: false, studentFeatures: [options.student], teacherFeatures: [options.teacher] }),
  create(options, context: LossContext): LossInstance {
    requireTeacher('hint', context, 'feature taps');
    const shapes = resolveTapPair('hint', { student: options.student, teacher: options.teacher }, context);
    const plan = planHintRegressor(options.regressor, shapes);
    const [kernelHeight, kernelWidth] = plan.kernel;
    const fanIn = plan.inChannels * kernelHeight * kernelWidth;
    const random = seededGenerator(context.seed, `hint/${options.student}->${options.teacher}`);
    const weightShape = plan.kind === 'conv' ? [kernelHeight, kernelWidth, plan.inChannels, plan.outChannels] : [plan.inChannels, plan.outChannels];
    const weights = torchDefaultVariable(weightShape, fanIn, random, 'kdlab.hint.weights');
    const bias = torchDefaultVariable([plan.outChannels], fanIn, random, 'kdlab.hint.bias');
    const { reduction, activation } = options;
    return {
      variables: [weights, bias],
      compute(inputs: LossInputs): tf.Scalar {
        const [studentTap, teacherTap] = takeTapPair('hint', shapes, inputs.student, inputs.teacher);
        return tf.tidy(() => {
          const regressed = applyRegressor(plan, activation, weights, bias, studentTap);
          const squaredError = tf.square(tf.sub(stopGradient(teacherTap), regressed));
          if (reduction === 'mean') return tf.mean(squaredError);
          return tf.div(tf.sum(squaredError), 2 * (studentTap.shape[0] ?? 1)) as tf.Scalar;
        });
      },
      dispose(): void {
        weights.dispose();
        bias.dispose();
      },
    };
  },
});

/**
 * Experiment helper of the `hint` loss: `hint({ student: 'block2', teacher: 'block3' })`.
 * Returns plain data `{ kind: 'hint', ... }`, validated against {@link hintOptions} when the experiment is resolved.
 */
export const hint = lossHelper(hintLoss);

/** The documentation page of the `hint` loss (`docs/losses/hint.md`), rendered by `scripts/generate-loss-docs.ts`. */
export const hintDocumentation: LossDocumentation = {
  loss: hintLoss,
  title: 'FitNets hints',
  formula: [
    "reduction 'batchmean' (FitNets eq. 3, per example, averaged over the batch):",
    '  L = (1/B) Σ_b ½ Σ_i (t_bi − r(s_b)_i)²      i runs over every entry of one hint (H·W·C, or its length)',
    "reduction 'mean' (F.mse_loss, RepDistiller, mdistiller):",
    '  L = (1/(B·n)) Σ_b Σ_i (t_bi − r(s_b)_i)²    n entries per hint',
    'r(s) = act(conv_k(s) + b)  for maps [H, W, C], k = (H_s − H_t + 1) × (W_s − W_t + 1), no padding',
    'r(s) = act(s·W + b)        on the last axis otherwise',
  ],
  details: [
    '`s` is the student\'s guided layer (`student`), `t` the teacher\'s hint layer (`teacher`).',
    "The regressor follows FitNets' rule: a convolution without padding whose kernel maps the guided layer's spatial size onto the hint's (1×1 when they agree); 'conv3x3' pads to keep the size; 'dense' maps the last axis (channels, hidden size) at every position.",
    'Its weights and bias are the loss\'s own variables (`[weights, bias]`), initialised from the run\'s seed as PyTorch initialises a layer (uniform in ±1/√fanIn), trained with the student and counted apart from it.',
    "torchdistill's sample configuration sums instead (`MSELoss(reduction='sum')`: 2B times the default).",
    'Shapes are checked at create: a missing tap, a student map smaller than the hint, or shapes the chosen regressor cannot map is an error naming both layers and both shapes.',
    'Staged training as published: stage 1 trains the student up to the guided layer plus the regressor on this loss, stage 2 trains the whole student on KD.',
  ],
  example: { student: 'block4', teacher: 'block2' },
  exampleWeight: 1,
};

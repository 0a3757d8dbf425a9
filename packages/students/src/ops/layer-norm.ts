import { FUSED_KERNELS, hasFusedKernel } from '@kdlab/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Layer normalisation over the last axis, `(x - mean) / sqrt(variance + epsilon) * gamma + beta`
 * (each row's mean and biased variance), with its gradient written out.
 *
 * Forward: the values of tfjs-layers' `LayerNormalization` to the bit, so that a saved model answers
 * the same when stock tfjs loads it: its very ops (`moments`, the mean and variance tiled over the
 * features and the scale and offset over the rows, `batchNorm`), except on tfjs-node, where its
 * `batchNorm` kernel of tiled inputs is five element-wise TensorFlow ops, which give the same values
 * with the moments' `x - mean` reused and the scale and offset broadcast instead of tiled (three
 * tiles and a subtraction fewer; the variance's too when the row count allows, see
 * `tensorflowBatchNorm`). Backward: one entry
 * of the tape instead of the gradients of those ops, which run on the full input shape (about 40
 * kernels per norm); for `xhat = (x - mean) * rstd` the normalised input, `rstd = 1 / sqrt(variance +
 * epsilon)`: `dbeta = sum(dy)`, `dgamma = sum(dy * xhat)` over every axis but the last, and
 * `dx = rstd * (g - mean(g) - xhat * mean(g * xhat))` with `g = dy * gamma`, means over the last axis.
 * Computed with `p = dy * (x - mean)` in six passes over the input's shape: `dgamma = rstdᵀ p` and the
 * two row means `mean(g) = dy · gamma / features`, `mean(g * xhat) = rstd * (p · gamma / features)`
 * as matrix products. Where the backend has kdlab's fused kernels (tfjs-node after `kdlab native
 * build`), one kernel each way (`FUSED_KERNELS.layerNorm`, the same values to the bit, and
 * `FUSED_KERNELS.layerNormGrad`, from the same saved tensors).
 *
 * @param x - the input, `[..., features]`, rank 2 or more.
 * @param gamma - the scale, `[features]`.
 * @param beta - the offset, `[features]`.
 * @param epsilon - added to the variance.
 */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
  const gradient = layerNormGradient(epsilon);
  const normalise = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, scale, offset, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    if (hasFusedKernel(FUSED_KERNELS.layerNorm)) {
      // the ops below in one kernel, with the same values (see FUSED_KERNELS.layerNorm)
      const [value, centered, variance] = tf.engine().runKernel(FUSED_KERNELS.layerNorm, { x: input, gamma: scale, beta: offset }, { epsilon }) as [tf.Tensor, tf.Tensor, tf.Tensor];
      save([centered, variance, scale]);
      return { value, gradFunc: gradient };
    }
    // tf.moments' own ops (mean, x - mean, its square, their mean), keeping x - mean for what follows
    const mean = tf.mean(input, -1, true);
    const centered = tf.sub(input, mean);
    const variance = tf.mean(tf.square(centered), -1, true);
    const value = tf.getBackend() === 'tensorflow' ? tensorflowBatchNorm(centered, variance, scale, offset, epsilon) : tiledBatchNorm(input, mean, variance, scale, offset, epsilon);
    save([centered, variance, scale]);
    return { value, gradFunc: gradient };
  });
  return normalise(x, gamma, beta);
}

/** Layer norm's gradient from the saved `x - mean`, row variances and scale: one fused kernel where the backend has it, else six passes (see {@link layerNorm}). */
function layerNormGradient(epsilon: number): (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] {
  return (dy, saved) => {
    const [deviation, sigma2, weight] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
    if (hasFusedKernel(FUSED_KERNELS.layerNormGrad)) return tf.engine().runKernel(FUSED_KERNELS.layerNormGrad, { dy, centered: deviation, variance: sigma2, gamma: weight }, { epsilon }) as tf.Tensor[];
    const features = deviation.shape[deviation.rank - 1]!;
    const rowShape = [...deviation.shape.slice(0, -1), 1];
    const rows = tf.util.sizeFromShape(rowShape);
    const rstd = tf.rsqrt(tf.add(sigma2, epsilon));
    // with p = dy * (x - mean): dgamma = sum over rows of rstd * p, mean(g * xhat) = rstd * mean(p * gamma)
    const p = tf.mul(dy, deviation);
    const column = tf.reshape(tf.div(weight, features), [features, 1]);
    const rowMean = (t: tf.Tensor) => tf.reshape(tf.matMul(tf.reshape(t, [rows, features]), column), rowShape);
    const c = tf.mul(tf.square(rstd), rowMean(p));
    const dx = tf.mul(tf.sub(tf.sub(tf.mul(dy, weight), rowMean(dy)), tf.mul(deviation, c)), rstd);
    const dgamma = tf.reshape(tf.matMul(tf.reshape(rstd, [rows, 1]), tf.reshape(p, [rows, features]), true, false), [features]);
    return [dx, dgamma, tf.sum(dy, Array.from({ length: dy.rank - 1 }, (_, axis) => axis))];
  };
}

/** The stock computation: moments tiled to the input's shape, and the backend's `batchNorm` kernel. */
function tiledBatchNorm(input: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor, epsilon: number): tf.Tensor {
  const rank = input.rank;
  const features = input.shape[rank - 1]!;
  const ones = new Array<number>(rank - 1).fill(1);
  const rows = input.shape.map((size, axis) => (axis === rank - 1 ? 1 : size));
  const broadcast = (v: tf.Tensor) => tf.reshape(v, [...ones, features]);
  return tf.batchNorm(input, tf.tile(mean, [...ones, features]), tf.tile(variance, [...ones, features]), tf.tile(broadcast(offset), rows), tf.tile(broadcast(scale), rows), epsilon);
}

/**
 * Elements per packet times packets per unrolled step of Eigen's element-wise loops, at most (16
 * floats with AVX-512, 4 packets): a tensor whose size is a multiple of it is computed packet by packet
 * throughout, with no element left to the scalar loop.
 */
const VECTORISED_MULTIPLE = 64;

/**
 * What tfjs-node's `FusedBatchNorm` kernel computes for inputs of rank above 1 (tfjs-node 4.22,
 * kernels/FusedBatchNorm.js): `(x - mean) * (rsqrt(variance + epsilon) * scale) + offset`, with `x - mean`
 * the one the moments computed and the scale and offset broadcast instead of tiled (the same exact
 * subtraction, products and sum per element). TensorFlow's `Rsqrt` is a vectorised approximation
 * that rounds otherwise for the elements it does one by one, in the scalar loop after the last full
 * packet; stock tfjs runs it on the variance tiled to the input's shape. When the number of rows is a
 * multiple of {@link VECTORISED_MULTIPLE}, every element of the row variances and of their tiled copy
 * goes through the vectorised path (the same value per row), so `rsqrt(variance + epsilon)` runs on the
 * row variances and is broadcast (a tile, an addition and an `Rsqrt` over the input's shape fewer);
 * otherwise the variance is tiled as in stock tfjs.
 */
function tensorflowBatchNorm(centered: tf.Tensor, variance: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor, epsilon: number): tf.Tensor {
  const rank = centered.rank;
  const rowwise = variance.size % VECTORISED_MULTIPLE === 0;
  const source = rowwise ? variance : tf.tile(variance, [...new Array<number>(rank - 1).fill(1), centered.shape[rank - 1]!]);
  const inverse = tf.mul(tf.rsqrt(tf.add(source, tf.scalar(epsilon))), scale);
  return tf.add(tf.mul(centered, inverse), offset);
}

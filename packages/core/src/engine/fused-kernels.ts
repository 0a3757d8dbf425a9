import * as tf from '@tensorflow/tfjs-core';

/**
 * The names of kdlab's fused kernels: one kernel each for GELU and for gradients that would otherwise
 * take 4-12 element-wise kernels. A backend may register them (tfjs-node does when `kdlab native build`
 * compiled kdlab's fused TensorFlow ops); the ops that use them ({@link hasFusedKernel}) compute the
 * same gradient from plain tfjs ops elsewhere. Inputs and attributes:
 *
 * - `gelu`: `{ x }` -> `x * (0.5 * (1 + erf(x / sqrt(2))))`, tfjs-layers' `gelu` computed in one pass
 *   with the backend's own `erf`, to the bit (so that a model's values do not change).
 * - `geluGrad`: `{ dy, x }` -> `dy * (Φ(x) + x φ(x))`, exact GELU's gradient (`Φ`, `φ`: the normal
 *   distribution's CDF and density).
 * - `layerNorm`: `{ x, gamma, beta }`, `{ epsilon }` -> `[y, centered, variance]`: layer normalisation over
 *   the last axis as kdlab's `layerNorm` computes it with the backend's own kernels, to the bit, with
 *   `x - mean` and the row variances (`[..., 1]`) that its gradient takes.
 * - `layerNormGrad`: `{ dy, centered, variance, gamma }`, `{ epsilon }` -> `[dx, dgamma, dbeta]` of
 *   layer normalisation over the last axis, from the saved `x - mean` and the row variances (`[..., 1]`).
 * - `softmaxGrad`: `{ dy, y }` -> `y * (dy - sum(dy * y))` over the last axis, softmax's gradient from
 *   its output.
 * - `splitHeads`: `{ x, bias }`, `{ heads, seq }` -> `transpose(reshape(x + bias, [batch, seq, heads,
 *   size]), [0, 2, 1, 3])` for `x` of `[..., batch * seq, heads * size]`: an attention projection's bias
 *   and head split in one pass, the same values.
 * - `splitHeadsGrad`: `{ dy }`, `{ heads, seq }` -> `[dx, dbias]`: `dx` the split undone (`[batch * seq,
 *   hidden]`), `dbias` the sum of `dy` over batch and sequence.
 */
export const FUSED_KERNELS = {
  gelu: 'KdlabGelu',
  geluGrad: 'KdlabGeluGrad',
  layerNorm: 'KdlabLayerNorm',
  layerNormGrad: 'KdlabLayerNormGrad',
  softmaxGrad: 'KdlabSoftmaxGrad',
  splitHeads: 'KdlabSplitHeads',
  splitHeadsGrad: 'KdlabSplitHeadsGrad',
} as const;

/** One of {@link FUSED_KERNELS}' names. */
export type FusedKernelName = (typeof FUSED_KERNELS)[keyof typeof FUSED_KERNELS];

/** Whether the active backend has the fused kernel `name` registered. */
export function hasFusedKernel(name: FusedKernelName): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

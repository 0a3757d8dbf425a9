import * as tf from '@tensorflow/tfjs-core';

/**
 * The names of kdlab's fused kernels: one kernel each for GELU, layer norm and an attention projection's
 * head split, and for gradients that would otherwise take 3-12 kernels. A backend may register them
 * (tfjs-node does when `kdlab native build` compiled kdlab's fused TensorFlow ops); the ops that use them
 * ({@link hasFusedKernel}) compute the same things from plain tfjs ops elsewhere.
 */
export const FUSED_KERNELS = {
  /** `{ x }` -> `x * (0.5 * (1 + erf(x / sqrt(2))))`: tfjs-layers' `gelu` in one pass with the backend's own `erf`, to the bit (a model's values do not change). */
  gelu: 'KdlabGelu',
  /** `{ dy, x }` -> `dy * (Φ(x) + x φ(x))`: exact GELU's gradient (`Φ`, `φ`: the normal distribution's CDF and density). */
  geluGrad: 'KdlabGeluGrad',
  /**
   * `{ x, gamma, beta }`, `{ epsilon }` -> `[y, centered, variance]`: layer normalisation over the last axis
   * as kdlab's `layerNorm` computes it with the backend's own kernels, to the bit, with `x - mean` and
   * the row variances (`[..., 1]`) that its gradient takes.
   */
  layerNorm: 'KdlabLayerNorm',
  /** `{ dy, centered, variance, gamma }`, `{ epsilon }` -> `[dx, dgamma, dbeta]` of layer normalisation over the last axis, from the saved `x - mean` and row variances. */
  layerNormGrad: 'KdlabLayerNormGrad',
  /** `{ dy, y }` -> `y * (dy - sum(dy * y))` over the last axis: softmax's gradient from its output. */
  softmaxGrad: 'KdlabSoftmaxGrad',
  /**
   * `{ x, bias }`, `{ heads, seq }` -> `transpose(reshape(x + bias, [batch, seq, heads, size]), [0, 2, 1,
   * 3])` for `x` of `[..., batch * seq, heads * size]`: an attention projection's bias and head split in
   * one pass, the same values.
   */
  splitHeads: 'KdlabSplitHeads',
  /** `{ dy }`, `{ heads, seq }` -> `[dx, dbias]`: `dx` the split undone (`[batch * seq, hidden]`), `dbias` the sum of `dy` over batch and sequence. */
  splitHeadsGrad: 'KdlabSplitHeadsGrad',
} as const;

/** One of {@link FUSED_KERNELS}' names. */
export type FusedKernelName = (typeof FUSED_KERNELS)[keyof typeof FUSED_KERNELS];

/** Whether the active backend has the fused kernel `name` registered. */
export function hasFusedKernel(name: FusedKernelName): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

import { FUSED_KERNELS, hasFusedKernel } from '@kdlab/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * An attention projection's bias and head split in one kernel each way, where the backend has kdlab's
 * fused kernels ({@link hasSplitHeadsKernels}): `transpose(reshape(projected + bias, [batch, seq, heads,
 * size]), [0, 2, 1, 3])`, the same values as those ops; its gradient undoes the split and sums the bias'
 * share in one pass.
 *
 * @param projected - the projection without its bias, `[1, batch * seq, heads * size]` (or `[batch * seq, heads * size]`).
 * @param bias - the projection's bias, `[heads * size]`.
 * @param batch - examples.
 * @param seq - positions per example.
 * @param heads - attention heads.
 * @returns `[batch, heads, seq, size]`.
 */
export function splitHeads(projected: tf.Tensor, bias: tf.Tensor, batch: number, seq: number, heads: number): tf.Tensor4D {
  const hidden = projected.shape[projected.rank - 1]!;
  if (projected.size !== batch * seq * hidden || hidden % heads !== 0) throw new Error(`splitHeads: [${projected.shape.join(', ')}] does not hold ${batch} examples of ${seq} positions split into ${heads} heads.`);
  const split = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, b] = args as [tf.Tensor, tf.Tensor];
    return {
      value: tf.engine().runKernel(FUSED_KERNELS.splitHeads, { x, bias: b }, { heads, seq }) as tf.Tensor,
      gradFunc: (dy: tf.Tensor) => {
        const [dx, dbias] = tf.engine().runKernel(FUSED_KERNELS.splitHeadsGrad, { dy }, { heads, seq }) as [tf.Tensor, tf.Tensor];
        return [tf.reshape(dx, x.shape), dbias];
      },
    };
  });
  return split(projected, bias) as tf.Tensor4D;
}

/** Whether the active backend has the fused kernels {@link splitHeads} needs. */
export function hasSplitHeadsKernels(): boolean {
  return hasFusedKernel(FUSED_KERNELS.splitHeads) && hasFusedKernel(FUSED_KERNELS.splitHeadsGrad);
}

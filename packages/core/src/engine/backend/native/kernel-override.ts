import * as tf from '@tensorflow/tfjs-core';

/** A tfjs-node kernel that kdlab replaces with its own, and can put back. */
export interface KernelOverride {
  /** Replaces tfjs-node's kernel (once; a no-op when tfjs-node's kernel is not registered, i.e. without tfjs-node). */
  register(): void;
  /** Puts tfjs-node's own kernel back (for tests); a no-op when not replaced. */
  unregister(): void;
}

/**
 * The replacement of tfjs-node's kernel `kernelName` (backend `tensorflow`) by the kernel function
 * `replacement` builds from the stock kernel's configuration (so that it can hand the cases it does not
 * handle to the stock kernel). Registering keeps the stock kernel to put back.
 */
export function tensorflowKernelOverride(kernelName: string, replacement: (stock: tf.KernelConfig) => tf.KernelFunc): KernelOverride {
  let stock: tf.KernelConfig | undefined;
  return {
    register() {
      if (stock !== undefined) return;
      const found = tf.getKernel(kernelName, 'tensorflow');
      if (found === undefined) return;
      stock = found;
      tf.unregisterKernel(kernelName, 'tensorflow');
      tf.registerKernel({ kernelName, backendName: 'tensorflow', kernelFunc: replacement(found) });
    },
    unregister() {
      if (stock === undefined) return;
      tf.unregisterKernel(kernelName, 'tensorflow');
      tf.registerKernel(stock);
      stock = undefined;
    },
  };
}

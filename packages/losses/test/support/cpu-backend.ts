import '@tensorflow/tfjs-backend-cpu';
// tfjs-core registers no gradient functions by itself; tfjs-layers' bundle registers all of them
// (as it is in every kdlab run, whose models are tfjs-layers models).
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll } from 'vitest';

/**
 * Registers a `beforeAll` that switches TensorFlow.js to the cpu backend (float32, deterministic),
 * with tfjs's gradient functions registered.
 */
export function useCpuBackend(): void {
  beforeAll(async () => {
    tf.env().set('IS_TEST', true); // silences tfjs's "install tfjs-node" banner
    await tf.setBackend('cpu');
    await tf.ready();
  });
}

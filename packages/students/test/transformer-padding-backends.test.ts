import { selectBackend, type BackendName } from '@kdlab/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { transformerModel, transformerOptions, type LayersModelAdapter } from '../src/index.js';
import { expectPaddingIgnored, paddingCases } from './support/padding-invariance.js';
import { nativeBackendUnavailable } from '../../../test/support/native-backend.js';

// The padding mask on the backends kdlab trains on: wasm (with kdlab's kernels) always, tfjs-node when
// `kdlab native build` has built it (skipped otherwise, saying why).
const nodeUnavailable = await nativeBackendUnavailable('transformer padding mask on tfjs-node');
const backends: BackendName[] = nodeUnavailable === undefined ? ['wasm', 'node'] : ['wasm'];

/** The logits of a masked token transformer for texts of different lengths, on a backend. */
async function logitsOn(backend: BackendName): Promise<number[]> {
  await selectBackend(backend, undefined, { threads: 1 });
  const model = transformerModel.build(transformerOptions.parse({ vocabSize: 20, hidden: 8, heads: 2, layers: 2, feedForward: 12, pooling: 'mean' }), {
    inputShape: [6],
    numClasses: 3,
    seed: 4,
  }) as LayersModelAdapter;
  const ids = tf.tensor2d([[2, 5, 9, 11, 3, 0], [2, 8, 3, 0, 0, 0], [2, 4, 6, 8, 10, 3]]);
  const logits = tf.tidy(() => Array.from(model.forward(ids, { training: false }).logits.dataSync()));
  ids.dispose();
  model.dispose();
  return logits;
}

describe.each(backends)('transformer padding mask on %s', (backend) => {
  afterAll(() => selectBackend('wasm'));

  it.each(paddingCases)('answers the same whatever the padding holds, and no gradient reaches it: %s', async (_label, options) => {
    await selectBackend(backend, undefined, { threads: 1 });
    expect(tf.getBackend()).toBe(backend === 'node' ? 'tensorflow' : backend);
    await expectPaddingIgnored(options, (values, reference, message) => values.forEach((value, i) => expect(Math.abs(value - reference[i]!), message).toBeLessThan(1e-5)));
  });

  it('answers the logits of the cpu backend', async () => {
    const reference = await logitsOn('cpu');
    const values = await logitsOn(backend);
    values.forEach((value, i) => expect(value).toBeCloseTo(reference[i]!, 4));
  });
});

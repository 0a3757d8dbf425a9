import * as tf from '@tensorflow/tfjs-core';
import { tileGradConfig } from '@kdlab/wasm-kernels';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@kdlab/core';

// tfjs-node is an optional backend (built by `kdlab native build`); without it this test skips.
const unavailable = await selectBackend('wasm')
  .then(() => selectBackend('node', undefined, { threads: 1 }))
  .then(
    () => undefined,
    (error: Error) => error.message.split('\n')[0],
  );
if (unavailable) console.log(`selectBackend('node'): skipped (${unavailable})`);

describe.skipIf(unavailable !== undefined)("selectBackend('node')", () => {
  afterAll(() => selectBackend('wasm'));

  it("keeps kdlab's Tile gradient, which importing tfjs-node (all of tfjs) would replace", () => {
    expect(tf.getBackend()).toBe('tensorflow');
    expect(tf.getGradient('Tile')?.gradFunc).toBe(tileGradConfig.gradFunc);
  });
});

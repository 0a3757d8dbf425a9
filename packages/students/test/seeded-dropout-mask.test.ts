import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import seedrandom from 'seedrandom';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@kdlab/core';
import { SeededDropout } from '../src/index.js';
import { keptMask, keptThreshold } from '../src/layers/seeded-dropout.js';

// The native backend too where it is built (`kdlab native build`); the CPU backend always.
const nativeMissing = await selectBackend('node', undefined, { threads: 1 }).then(
  () => false,
  () => true,
);
const backends = nativeMissing ? ['cpu'] : ['cpu', 'tensorflow'];

/** What SeededDropout computed before its masks were drawn as bytes: tfjs' uniform floats, compared in the backend. */
function reference(x: tf.Tensor, rate: number, maskSeed: number): tf.Tensor {
  const uniform = tf.randomUniform(x.shape, 0, 1, 'float32', maskSeed);
  return tf.mul(x, tf.mul(tf.cast(tf.greaterEqual(uniform, rate), x.dtype), 1 / (1 - rate)));
}

/** A tensor's values as their bit patterns, so that a comparison is bit for bit. */
function bits(t: tf.Tensor): number[] {
  return Array.from(new Uint32Array(new Float32Array(t.dataSync()).buffer));
}

describe('SeededDropout masks drawn as bytes', () => {
  afterAll(() => tf.setBackend('cpu'));

  for (const backend of backends) {
    it(`give the outputs and gradients of tfjs' uniform draws bit for bit, call after call (${backend})`, async () => {
      await tf.setBackend(backend);
      for (const [rate, seed, shape] of [
        [0.5, 11, [128, 120]],
        [0.2, 12, [7, 28, 28]],
        [0.1, 13, [3, 5]],
        [0.999, 14, [64, 9]],
      ] as const) {
        const layer = new SeededDropout({ rate, seed });
        const seeds = seedrandom(String(seed));
        const before = tf.memory().numTensors;
        for (let call = 0; call < 3; call++) {
          tf.tidy(() => {
            const x = tf.randomNormal([...shape], 0, 1, 'float32', 100 + call);
            const maskSeed = seeds.int32() >>> 0;
            const dy = tf.randomNormal([...shape], 0, 1, 'float32', 200 + call);
            const ours = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(layer.apply(t, { training: true }) as tf.Tensor, dy)));
            const theirs = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(reference(t, rate, maskSeed), dy)));
            expect(bits(ours(x))).toEqual(bits(theirs(x)));
          });
        }
        // the layer's generator moved as the reference's did: the next mask is the same again
        tf.tidy(() => {
          const x = tf.ones([...shape]);
          expect(bits(layer.apply(x, { training: true }) as tf.Tensor)).toEqual(bits(reference(x, rate, seeds.int32() >>> 0)));
        });
        expect(tf.memory().numTensors).toBe(before);
      }
    });
  }
});

describe('keptThreshold', () => {
  it('splits float64 draws exactly where their float32 rounding reaches fround(rate), ties included', () => {
    const random = seedrandom('threshold');
    let checked = 0;
    for (let n = 0; n < 4000; n++) {
      // arbitrary rates, and rates that are float32 values already (their midpoints are the hard cases)
      const rate = n % 2 === 0 ? random() : Math.fround(random());
      const bound = keptThreshold(rate);
      const threshold = Math.fround(rate);
      const below = new Float64Array([bound]);
      new BigUint64Array(below.buffer)[0]! -= 1n;
      for (const x of [bound, below[0]!, threshold, Math.fround(bound), (bound + threshold) / 2, bound * (1 + 1e-12)]) {
        expect(x >= bound, `rate ${rate}, x ${x}`).toBe(Math.fround(x) >= threshold);
        checked++;
      }
      // the bound is the smallest such double: the one just below it is not kept
      expect(Math.fround(below[0]!) >= threshold).toBe(false);
    }
    expect(checked).toBe(24000);
  });

  it('gives the masks of seedrandom.alea draws rounded to float32, for rates on and off float32 values', () => {
    for (const [rate, seed] of [[0.5, 1], [0.3, 7], [Math.fround(0.3), 9], [1e-9, 3], [0.999, 4294967295]] as const) {
      const next = seedrandom.alea(String(seed));
      const expected = Uint8Array.from({ length: 50_000 }, () => (Math.fround(next()) >= Math.fround(rate) ? 1 : 0));
      expect(keptMask(50_000, rate, seed)).toEqual(expected);
    }
  });
});

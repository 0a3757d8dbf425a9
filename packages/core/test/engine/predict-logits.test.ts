import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { byteSplit } from '../../src/data/byte-inputs.js';
import type { DataSplit } from '../../src/data/dataset.js';
import { predictLogits } from '../../src/engine/predict-logits.js';
import type { Model } from '../../src/model/model.js';

/** A model of 6 inputs and 3 classes: `x W` (fresh data), or with `identity` its first 3 inputs as they are (a slice of x). */
function fakeModel(identity: boolean): Model {
  const weights = tf.tensor2d(Array.from({ length: 18 }, (_, i) => (i % 7) - 3), [6, 3]);
  const model: Partial<Model> = {
    kind: 'fake',
    inputShape: [6],
    numClasses: 3,
    featureNames: [],
    forward: (x) => ({ logits: identity ? (tf.slice(x, [0, 0], [-1, 3]) as tf.Tensor2D) : tf.matMul(x as tf.Tensor2D, weights), features: {} }),
  };
  return model as Model;
}

/** 11 examples of 6 bytes, and their float copy through a table that maps byte p to (p - 100) / 9. */
function splits(): { bytes: DataSplit; floats: DataSplit } {
  const levels = Float32Array.from({ length: 256 }, (_, p) => (p - 100) / 9);
  const bytes = Uint8Array.from({ length: 66 }, (_, i) => (i * 53 + 7) % 256);
  const y = Int32Array.from({ length: 11 }, (_, i) => i % 3);
  return { bytes: byteSplit({ bytes, levels, channels: 1 }, y), floats: { x: Float32Array.from(bytes, (p) => levels[p]!), y, count: 11 } };
}

describe('predictLogits', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const identity of [false, true]) {
    it(`gives a byte split the logits of its float copy, batch after batch through one decode buffer (${identity ? 'logits a view of the input' : 'logits computed'})`, async () => {
      const { bytes, floats } = splits();
      const model = fakeModel(identity);
      const before = tf.memory().numTensors;
      for (const batchSize of [1, 4, 11, 64]) {
        const fromBytes = await predictLogits(model, bytes, batchSize);
        const fromFloats = await predictLogits(model, floats, batchSize);
        expect(Array.from(fromBytes)).toEqual(Array.from(fromFloats));
        if (identity) expect(Array.from(fromBytes)).toEqual(Array.from({ length: 33 }, (_, i) => floats.x[Math.floor(i / 3) * 6 + (i % 3)]!));
      }
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

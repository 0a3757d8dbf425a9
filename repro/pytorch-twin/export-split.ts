// Writes the data split of study 1 (experiments/repro/hinton-mnist-full.ts) for the PyTorch twin,
// loaded exactly as the study loads it: kdlab's `mnist` dataset, split { train: 0.825, val: 0.075,
// test: 0.1 }, seed 0 (55,000 train and 5,000 validation digits carved from the canonical 60,000,
// stratified; the canonical 10,000 for test).
//   npx tsx --conditions=@kdlab/source repro/pytorch-twin/export-split.ts <out dir>
// Files: {train,val,test}_x.bin (float32, count x 784, pixels in [0, 1]), {train,val,test}_y.bin
// (int32 labels), both little-endian, and header.json describing them.
import { mkdir, writeFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { mnistDataset } from '@kdlab/data';
import type { DataSplit } from '@kdlab/core';
import { REPRO_DATA } from '../../experiments/repro/shared-setting.js';

/** The split's seed: a study's `seed` (0 in study 1) also seeds its data split. */
export const SPLIT_SEED = 0;

/** One split's entry in header.json. */
export interface SplitHeader {
  /** Examples in the split. */
  count: number;
  /** The inputs' file, `count x featureSize` float32. */
  x: string;
  /** The labels' file, `count` int32. */
  y: string;
  /** Examples per class, class 0 first. */
  classCounts: number[];
}

/** header.json: what the .bin files hold. */
export interface SplitFileHeader {
  /** The kdlab dataset id. */
  dataset: string;
  /** Where kdlab found the idx files. */
  source: string;
  /** The split fractions the study asks for. */
  fractions: { train: number; val: number; test: number };
  /** The split's seed. */
  seed: number;
  /** One example's shape as kdlab sees it (`[28, 28, 1]`, row-major). */
  inputShape: number[];
  /** Floats per example (784). */
  featureSize: number;
  /** Number of classes. */
  numClasses: number;
  /** Element types and byte order of the files. */
  dtype: { x: 'float32'; y: 'int32'; byteOrder: 'little' };
  /** The three splits. */
  splits: { train: SplitHeader; val: SplitHeader; test: SplitHeader };
}

function classCounts(labels: Int32Array, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const label of labels) counts[label] = (counts[label] ?? 0) + 1;
  return counts;
}

async function writeSplit(directory: string, name: string, split: DataSplit, numClasses: number): Promise<SplitHeader> {
  const x = `${name}_x.bin`;
  const y = `${name}_y.bin`;
  await writeFile(join(directory, x), new Uint8Array(split.x.buffer, split.x.byteOffset, split.x.byteLength));
  await writeFile(join(directory, y), new Uint8Array(split.y.buffer, split.y.byteOffset, split.y.byteLength));
  return { count: split.count, x, y, classCounts: classCounts(split.y, numClasses) };
}

/**
 * Loads study 1's split with kdlab and writes it to `directory` (created when missing).
 * @returns the header written to `directory/header.json`.
 */
export async function exportSplit(directory: string): Promise<SplitFileHeader> {
  if (endianness() !== 'LE') throw new Error('export-split: typed arrays are written as they are in memory, which is big-endian here; the files must be little-endian');
  const data = await mnistDataset.load({ split: REPRO_DATA.split, seed: SPLIT_SEED });
  await mkdir(directory, { recursive: true });
  const header: SplitFileHeader = {
    dataset: data.name,
    source: data.source,
    fractions: { ...REPRO_DATA.split },
    seed: SPLIT_SEED,
    inputShape: [...data.inputShape],
    featureSize: data.inputShape.reduce((product, size) => product * size, 1),
    numClasses: data.numClasses,
    dtype: { x: 'float32', y: 'int32', byteOrder: 'little' },
    splits: {
      train: await writeSplit(directory, 'train', data.train, data.numClasses),
      val: await writeSplit(directory, 'val', data.val, data.numClasses),
      test: await writeSplit(directory, 'test', data.test, data.numClasses),
    },
  };
  await writeFile(join(directory, 'header.json'), `${JSON.stringify(header, null, 2)}\n`);
  return header;
}

async function main(argv: readonly string[]): Promise<void> {
  const directory = argv[0];
  if (directory === undefined || argv.length > 1) {
    process.stderr.write('usage: npx tsx --conditions=@kdlab/source repro/pytorch-twin/export-split.ts <out dir>\n');
    process.exitCode = 2;
    return;
  }
  const header = await exportSplit(directory);
  const { train, val, test } = header.splits;
  process.stdout.write(`export-split: ${header.dataset} (${header.source}) seed ${header.seed}: ${train.count} train, ${val.count} val, ${test.count} test -> ${directory}\n`);
}

await main(process.argv.slice(2));

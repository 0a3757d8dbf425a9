import { inputRows } from '@kdlab/core';
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CIFAR100_SPEC, CIFAR10_SPEC, loadCifarDataset, type CifarDatasetSpec } from '../src/cifar-datasets.js';
import { CIFAR100_CHANNEL_STATS, CIFAR10_CHANNEL_STATS, CIFAR10_LAYOUT, readCifarBatches } from '../src/cifar-format.js';
import { CIFAR100_CLASS_NAMES } from '../src/cifar-class-names.js';
import { DataFileError } from '../src/data-file-error.js';
import { DatasetNotFoundError } from '../src/dataset-not-found-error.js';
import { cifarBatchBytes, cifarRecords, closedLoopbackPort, makeTempDir, removeTempDirs, type CifarRecord } from './fixtures.js';

afterAll(removeTempDirs);

const tarAvailable = ((): boolean => {
  try {
    execFileSync('tar', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    console.log('cifar: skipping the archive test: no `tar` command on this machine to write the archive');
    return false;
  }
})();

const request = { split: { train: 0.75, val: 0.25, test: 0 }, seed: 3 };

/** Writes a tiny CIFAR dataset (each train file 4 records, test 6) as the extracted folder under `root`. */
async function writeCifar(spec: CifarDatasetSpec, root: string): Promise<{ train: CifarRecord[]; test: CifarRecord[] }> {
  const folder = join(root, spec.folder);
  await mkdir(folder, { recursive: true });
  const withCoarse = spec.layout.labelBytes === 2;
  const train: CifarRecord[] = [];
  for (const [i, name] of spec.trainFiles.entries()) {
    const records = cifarRecords(4, spec.layout.numClasses, 10 + i * 4);
    train.push(...records);
    await writeFile(join(folder, name), cifarBatchBytes(records, withCoarse));
  }
  const test = cifarRecords(6, spec.layout.numClasses, 97);
  await writeFile(join(folder, spec.testFiles[0]!), cifarBatchBytes(test, withCoarse));
  return { train, test };
}

/** The value the loader must produce for channel c of pixel (row, column) of a record. */
function expected(record: CifarRecord, row: number, column: number, c: number, stats = CIFAR10_CHANNEL_STATS): number {
  const p = record.pixels[c * 1024 + row * 32 + column] as number;
  return Math.fround((p / 255 - stats.mean[c]!) / stats.std[c]!);
}

describe('CIFAR-10', () => {
  it('reads the extracted folder from $KDLAB_DATA_DIR/cifar10, CHW planes to HWC, standardised per channel', async () => {
    const dataDir = await makeTempDir();
    const written = await writeCifar(CIFAR10_SPEC, join(dataDir, 'cifar10'));
    const dataset = await loadCifarDataset(CIFAR10_SPEC, request, { env: { KDLAB_DATA_DIR: dataDir, XDG_CACHE_HOME: dataDir }, download: false });
    expect(dataset.inputShape).toEqual([32, 32, 3]);
    expect(dataset.numClasses).toBe(10);
    expect(dataset.source).toBe(join(dataDir, 'cifar10', 'cifar-10-batches-bin'));
    expect([dataset.train.count, dataset.val.count, dataset.test.count]).toEqual([15, 5, 6]);
    // the test set is in file order: check every value of its first and last images
    expect([...dataset.test.y]).toEqual(written.test.map((record) => record.label));
    for (const k of [0, 5]) {
      const record = written.test[k]!;
      const x = dataset.test.x.subarray(k * 3072, (k + 1) * 3072);
      const wanted = new Float32Array(3072);
      for (let row = 0; row < 32; row++) for (let column = 0; column < 32; column++) for (let c = 0; c < 3; c++) wanted[(row * 32 + column) * 3 + c] = expected(record, row, column, c);
      expect(x).toEqual(wanted);
    }
    // held as HWC bytes with one table per channel; rows decode to the same floats
    expect(dataset.test.bytes?.channels).toBe(3);
    expect(dataset.test.bytes?.bytes.length).toBe(6 * 3072);
    expect(inputRows(dataset.test, 5, 1, 3072)).toEqual(dataset.test.x.subarray(5 * 3072));
    // train + val hold all 20 training records once (identified by their HWC value at pixel (0, 1), red)
    const ids = [dataset.train, dataset.val].flatMap((split) => Array.from({ length: split.count }, (_, i) => split.x[i * 3072 + 3]));
    expect(ids.sort()).toEqual(written.train.map((record) => expected(record, 0, 1, 0)).sort());
  });

  it.skipIf(!tarAvailable)('reads the canonical .tar.gz archive directly, giving the same data as the folder', async () => {
    const dataDir = await makeTempDir();
    const folderRoot = join(dataDir, 'extracted');
    await writeCifar(CIFAR10_SPEC, folderRoot);
    const archiveRoot = join(dataDir, 'cifar10');
    await mkdir(archiveRoot);
    execFileSync('tar', ['-czf', join(archiveRoot, 'cifar-10-binary.tar.gz'), '-C', folderRoot, CIFAR10_SPEC.folder]);
    const fromArchive = await loadCifarDataset(CIFAR10_SPEC, request, { env: { KDLAB_DATA_DIR: dataDir, XDG_CACHE_HOME: dataDir }, download: false });
    expect(fromArchive.source).toBe(join(archiveRoot, 'cifar-10-binary.tar.gz'));
    const fromFolder = await loadCifarDataset(CIFAR10_SPEC, request, { env: { KDLAB_DATA_DIR: folderRoot, XDG_CACHE_HOME: dataDir }, download: false });
    expect(fromArchive.train).toEqual(fromFolder.train);
    expect(fromArchive.test).toEqual(fromFolder.test);
  });

  it('rejects a truncated batch file and a label out of range, naming the file', async () => {
    const records = cifarRecords(2, 10, 0);
    const bytes = cifarBatchBytes(records, false);
    expect(() => readCifarBatches([{ file: '/d/data_batch_3.bin', bytes: bytes.subarray(0, bytes.length - 7) }], CIFAR10_LAYOUT)).toThrow(
      '/d/data_batch_3.bin: is 6139 bytes long, not a whole number of 3073-byte CIFAR records (1 label byte(s) + 3072 pixels)',
    );
    const badLabel = bytes.slice();
    badLabel[3073] = 10;
    const error = (() => {
      try {
        readCifarBatches([{ file: '/d/test_batch.bin', bytes: badLabel }], CIFAR10_LAYOUT);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(DataFileError);
    expect((error as Error).message).toBe('/d/test_batch.bin: record 1 has label 10, not below the number of classes (10)');
  });

  it('fails offline with the places searched and where to put the archive', async () => {
    const env = { XDG_CACHE_HOME: await makeTempDir() };
    const port = await closedLoopbackPort();
    const error = await loadCifarDataset(CIFAR10_SPEC, request, { env, downloadBaseUrl: `http://127.0.0.1:${port}` }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DatasetNotFoundError);
    const message = (error as Error).message;
    expect(message).toContain(`${join(env.XDG_CACHE_HOME, 'kdlab', 'cifar10')} (user cache): no cifar-10-batches-bin/ and no cifar-10-binary.tar.gz`);
    expect(message).toContain(`GET http://127.0.0.1:${port}/cifar-10-binary.tar.gz failed`);
    expect(message).toContain(`Put cifar-10-binary.tar.gz, or the cifar-10-batches-bin folder extracted from it, in $KDLAB_DATA_DIR/cifar10`);
  });
});

describe('CIFAR-100', () => {
  it('keeps the fine label (the second label byte) and has 100 named classes', async () => {
    const dataDir = await makeTempDir();
    const written = await writeCifar(CIFAR100_SPEC, dataDir);
    const dataset = await loadCifarDataset(CIFAR100_SPEC, { split: { train: 1, val: 0, test: 0 }, seed: 0 }, { env: { KDLAB_DATA_DIR: dataDir, XDG_CACHE_HOME: dataDir }, download: false });
    expect(dataset.numClasses).toBe(100);
    expect(dataset.classNames).toBe(CIFAR100_CLASS_NAMES);
    expect(new Set(CIFAR100_CLASS_NAMES).size).toBe(100);
    expect([...dataset.test.y]).toEqual(written.test.map((record) => record.label));
    expect(written.test.some((record) => record.label >= 20)).toBe(true);
    expect(dataset.test.x[2]).toBe(expected(written.test[0]!, 0, 0, 2, CIFAR100_CHANNEL_STATS));
  });

  it('rejects a coarse label of 20 or more', () => {
    const bytes = cifarBatchBytes([{ label: 5, coarse: 20, pixels: new Uint8Array(3072) }], true);
    expect(() => readCifarBatches([{ file: 'train.bin', bytes }], CIFAR100_SPEC.layout)).toThrow('train.bin: record 0 has coarse label 20, not below 20');
  });
});

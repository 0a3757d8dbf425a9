import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFileError } from '../src/data-file-error.js';
import { readIdxPair } from '../src/idx-datasets.js';
import { parseIdxImages, parseIdxLabels } from '../src/idx-format.js';
import { readDataFile } from '../src/read-data-file.js';
import { idxImagesBytes, idxLabelsBytes, makeTempDir, patternPixels, removeTempDirs } from './fixtures.js';

afterAll(removeTempDirs);

async function expectFileError(promise: Promise<unknown>, file: string, problem: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DataFileError);
  expect((error as DataFileError).file).toBe(file);
  expect((error as Error).message).toContain(file);
  expect((error as Error).message).toMatch(problem);
}

describe('idx files', () => {
  it('reads back images and labels exactly, raw and gzipped', async () => {
    const dir = await makeTempDir();
    const pixels = patternPixels(3, 6);
    const images = idxImagesBytes(3, 2, 3, pixels);
    await writeFile(join(dir, 'images'), images);
    await writeFile(join(dir, 'images.gz'), gzipSync(images));
    for (const name of ['images', 'images.gz']) {
      const parsed = parseIdxImages(name, await readDataFile(join(dir, name)));
      expect({ count: parsed.count, rows: parsed.rows, columns: parsed.columns }).toEqual({ count: 3, rows: 2, columns: 3 });
      expect([...parsed.pixels]).toEqual([...pixels]);
    }
    expect([...parseIdxLabels('labels', idxLabelsBytes([7, 0, 9]), 10)]).toEqual([7, 0, 9]);
  });

  it('rejects a wrong magic number, naming the file and both numbers', () => {
    const labelsAsImages = idxLabelsBytes([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(() => parseIdxImages('/data/train-images-idx3-ubyte', labelsAsImages)).toThrow(
      /^\/data\/train-images-idx3-ubyte: magic number is 0x00000801, expected 0x00000803/,
    );
    expect(() => parseIdxLabels('/data/l', idxImagesBytes(1, 1, 1, new Uint8Array([0])), 10)).toThrow(
      /\/data\/l: magic number is 0x00000803, expected 0x00000801/,
    );
  });

  it('rejects a truncated or overlong file, saying what the header promised', () => {
    const images = idxImagesBytes(2, 28, 28, patternPixels(2, 784));
    expect(() => parseIdxImages('imgs', images.subarray(0, images.length - 1))).toThrow(
      'imgs: is truncated: header says count x rows x columns = 2 x 28 x 28, so 1584 bytes, but the file has 1583',
    );
    const longer = new Uint8Array(images.length + 5);
    longer.set(images);
    expect(() => parseIdxImages('imgs', longer)).toThrow(/imgs: is longer than its header says/);
    expect(() => parseIdxImages('imgs', images.subarray(0, 10))).toThrow(/imgs: is 10 bytes long, too short for the 16-byte header/);
    expect(() => parseIdxLabels('lbls', idxLabelsBytes([1, 2, 3]).subarray(0, 10), 10)).toThrow(/lbls: is truncated: header says count = 3/);
  });

  it('rejects a label outside the classes', () => {
    expect(() => parseIdxLabels('lbls', idxLabelsBytes([1, 10]), 10)).toThrow('lbls: label 10 at index 1 is not below the number of classes (10)');
  });

  it('rejects a truncated gzip stream, naming the file', async () => {
    const dir = await makeTempDir();
    const file = join(dir, 'train-images-idx3-ubyte.gz');
    const zipped = gzipSync(idxImagesBytes(2, 28, 28, patternPixels(2, 784)));
    await writeFile(file, zipped.subarray(0, zipped.length - 20));
    await expectFileError(readDataFile(file), file, /is not a valid gzip stream/);
  });

  it('rejects image and label files whose counts disagree, naming both files', async () => {
    const dir = await makeTempDir();
    const images = join(dir, 'train-images-idx3-ubyte');
    const labels = join(dir, 'train-labels-idx1-ubyte');
    await writeFile(images, idxImagesBytes(3, 28, 28, patternPixels(3, 784)));
    await writeFile(labels, idxLabelsBytes([1, 2]));
    await expectFileError(readIdxPair(images, labels, 10), images, new RegExp(`holds 3 images but its labels file ${labels} holds 2 labels`));
  });

  it('rejects images that are not 28 x 28', async () => {
    const dir = await makeTempDir();
    const images = join(dir, 'i');
    const labels = join(dir, 'l');
    await writeFile(images, idxImagesBytes(1, 27, 28, patternPixels(1, 27 * 28)));
    await writeFile(labels, idxLabelsBytes([1]));
    await expectFileError(readIdxPair(images, labels, 10), images, /images are 27 x 28, expected 28 x 28/);
  });

  it('names a missing file', async () => {
    await expectFileError(readDataFile('/nonexistent/kdlab/file.gz'), '/nonexistent/kdlab/file.gz', /cannot be read/);
  });
});

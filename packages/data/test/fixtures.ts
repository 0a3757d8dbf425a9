import { mkdtemp, rm, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Temporary directories made by a test file, removed by `removeTempDirs` (call it in afterAll). */
const made: string[] = [];

/** Makes a fresh temporary directory. */
export async function makeTempDir(prefix = 'kdlab-data-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every directory made by `makeTempDir`. */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** The bytes of an idx3-ubyte file holding `pixels` as `count` images of rows x columns. */
export function idxImagesBytes(count: number, rows: number, columns: number, pixels: Uint8Array, magic = 0x00000803): Uint8Array {
  const out = new Uint8Array(16 + pixels.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic, false);
  view.setUint32(4, count, false);
  view.setUint32(8, rows, false);
  view.setUint32(12, columns, false);
  out.set(pixels, 16);
  return out;
}

/** The bytes of an idx1-ubyte file holding `labels`. */
export function idxLabelsBytes(labels: readonly number[], magic = 0x00000801): Uint8Array {
  const out = new Uint8Array(8 + labels.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic, false);
  view.setUint32(4, labels.length, false);
  out.set(labels, 8);
  return out;
}

/** A deterministic pixel pattern: example `i`, byte `j` is `(i * 31 + j * 7) % 256`. */
export function patternPixels(count: number, exampleBytes: number, salt = 0): Uint8Array {
  const pixels = new Uint8Array(count * exampleBytes);
  for (let i = 0; i < count; i++) for (let j = 0; j < exampleBytes; j++) pixels[i * exampleBytes + j] = (i * 31 + j * 7 + salt) % 256;
  return pixels;
}

/** Labels cycling through 0..numClasses-1 (so every class is equally represented). */
export function cyclingLabels(count: number, numClasses = 10, offset = 0): number[] {
  return Array.from({ length: count }, (_, i) => (i + offset) % numClasses);
}

/** What `writeIdxDataset` wrote. */
export interface WrittenIdx {
  /** Training pixels (28 x 28 each). */
  trainPixels: Uint8Array;
  /** Training labels. */
  trainLabels: number[];
  /** Test pixels. */
  testPixels: Uint8Array;
  /** Test labels. */
  testLabels: number[];
}

/** Writes the four canonical idx files of a tiny 28 x 28 dataset into `dir`, gzipped or not. */
export async function writeIdxDataset(dir: string, trainCount: number, testCount: number, gzip: boolean): Promise<WrittenIdx> {
  await mkdir(dir, { recursive: true });
  const written: WrittenIdx = {
    trainPixels: patternPixels(trainCount, 784, 1),
    trainLabels: cyclingLabels(trainCount),
    testPixels: patternPixels(testCount, 784, 2),
    testLabels: cyclingLabels(testCount, 10, 3),
  };
  const files: [string, Uint8Array][] = [
    ['train-images-idx3-ubyte', idxImagesBytes(trainCount, 28, 28, written.trainPixels)],
    ['train-labels-idx1-ubyte', idxLabelsBytes(written.trainLabels)],
    ['t10k-images-idx3-ubyte', idxImagesBytes(testCount, 28, 28, written.testPixels)],
    ['t10k-labels-idx1-ubyte', idxLabelsBytes(written.testLabels)],
  ];
  for (const [name, bytes] of files) {
    await writeFile(join(dir, gzip ? `${name}.gz` : name), gzip ? gzipSync(bytes) : bytes);
  }
  return written;
}

/** One CIFAR record to write. */
export interface CifarRecord {
  /** The (fine) label. */
  label: number;
  /** The coarse label (CIFAR-100 only). */
  coarse?: number;
  /** 3072 pixel bytes, CHW. */
  pixels: Uint8Array;
}

/** The bytes of a CIFAR binary batch: per record, the coarse label (when `withCoarse`), the label, then the pixels. */
export function cifarBatchBytes(records: readonly CifarRecord[], withCoarse: boolean): Uint8Array {
  const recordBytes = (withCoarse ? 2 : 1) + 3072;
  const out = new Uint8Array(records.length * recordBytes);
  records.forEach((record, i) => {
    let at = i * recordBytes;
    if (withCoarse) out[at++] = record.coarse ?? 0;
    out[at++] = record.label;
    out.set(record.pixels, at);
  });
  return out;
}

/** `count` CIFAR records with labels cycling through `numClasses` and patterned pixels. */
export function cifarRecords(count: number, numClasses: number, salt: number): CifarRecord[] {
  const pixels = patternPixels(count, 3072, salt);
  return Array.from({ length: count }, (_, i) => ({
    label: (i + salt) % numClasses,
    coarse: ((i + salt) % numClasses) % 20,
    pixels: pixels.subarray(i * 3072, (i + 1) * 3072),
  }));
}

/** A closed loopback port (bound, then released), for download attempts that must fail at once. */
export async function closedLoopbackPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

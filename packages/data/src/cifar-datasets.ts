import { join } from 'node:path';
import { kdlabCacheDir } from './cache-dir.js';
import { CIFAR100_CLASS_NAMES, CIFAR10_CLASS_NAMES } from './cifar-class-names.js';
import {
  CIFAR100_CHANNEL_STATS,
  CIFAR100_LAYOUT,
  CIFAR10_CHANNEL_STATS,
  CIFAR10_LAYOUT,
  cifarDecoding,
  readCifarBatches,
  type ChannelStats,
  type CifarFile,
  type CifarLayout,
} from './cifar-format.js';
import { DataFileError } from './data-file-error.js';
import type { Dataset, DatasetRequest } from '@kdlab/core';
import { DatasetNotFoundError } from './dataset-not-found-error.js';
import { defineDataset, type DatasetDefinition } from '@kdlab/core';
import { downloadFile } from './download-file.js';
import { firstFileIn, isDirectory, isFile } from './file-exists.js';
import {
  datasetSearchRoots,
  downloadAllowed,
  downloadIdleTimeout,
  searchDataset,
  type DataLocationOptions,
  type ProbeResult,
} from './locate-data.js';
import { readDataFile } from './read-data-file.js';
import { splitCanonical } from './split-dataset.js';
import { readTarMembers } from './read-tar-members.js';
import { validateDatasetRequest } from './validate-request.js';

/** A CIFAR dataset in the binary ("for C programs") distribution. */
export interface CifarDatasetSpec<Id extends string = string> {
  /** The dataset id, also the name of its folder under `$KDLAB_DATA_DIR` and the user cache. */
  readonly id: Id;
  /** One line saying what the data is. */
  readonly description: string;
  /** The class names, by label. */
  readonly classNames: readonly string[];
  /** The record layout. */
  readonly layout: CifarLayout;
  /** The per-channel statistics the pixels are standardised with. */
  readonly channelStats: ChannelStats;
  /** The folder the archive extracts to, e.g. `cifar-10-batches-bin`. */
  readonly folder: string;
  /** The training batch files, in order. */
  readonly trainFiles: readonly string[];
  /** The test batch files, in order. */
  readonly testFiles: readonly string[];
  /** The canonical archive's file name, e.g. `cifar-10-binary.tar.gz`. */
  readonly archive: string;
  /** The canonical archive's URL. */
  readonly downloadUrl: string;
}

/** CIFAR batches found as files in a folder. */
export interface CifarFolderSource {
  /** Discriminant. */
  readonly kind: 'folder';
  /** The folder holding the batch files. */
  readonly dir: string;
}

/** CIFAR batches found inside the canonical archive. */
export interface CifarArchiveSource {
  /** Discriminant. */
  readonly kind: 'archive';
  /** The archive (`.tar.gz` or `.tar`). */
  readonly path: string;
}

/** Where a CIFAR dataset's batches were found: an extracted folder or the archive. */
export type CifarSource = CifarFolderSource | CifarArchiveSource;

/** The bytes of a CIFAR dataset's batch files. */
export interface CifarBatchFiles {
  /** The training batches, in the spec's order. */
  readonly train: CifarFile[];
  /** The test batches, in the spec's order. */
  readonly test: CifarFile[];
}

/**
 * Looks in `dir` for, in order: the extracted folder (`dir/<folder>/` holding every batch file), the
 * batch files directly in `dir`, the archive (`<archive>`, or the same without `.gz`).
 */
export async function probeCifar(spec: CifarDatasetSpec, dir: string): Promise<ProbeResult<CifarSource>> {
  const wanted = [...spec.trainFiles, ...spec.testFiles];
  const partial: string[] = [];
  for (const candidate of [join(dir, spec.folder), dir]) {
    if (!(await isDirectory(candidate))) continue;
    const present = await Promise.all(wanted.map((name) => isFile(join(candidate, name))));
    if (present.every(Boolean)) return { found: { kind: 'folder', dir: candidate } };
    if (present.some(Boolean)) partial.push(`${candidate} lacks ${wanted.filter((_, i) => !present[i]).join(', ')}`);
  }
  const archive = await firstFileIn(dir, [spec.archive, spec.archive.replace(/\.gz$/, '')]);
  if (archive !== undefined) return { found: { kind: 'archive', path: archive } };
  return { missing: partial.length > 0 ? `${partial.join('; ')}; no ${spec.archive}` : `no ${spec.folder}/ and no ${spec.archive}` };
}

/**
 * Finds a CIFAR dataset: in `$KDLAB_DATA_DIR/<id>`, `$KDLAB_DATA_DIR` and the user cache
 * `<cache>/<id>` (see {@link probeCifar}); failing that, downloads the canonical archive into the user
 * cache. When that fails too (or downloads are off), the {@link DatasetNotFoundError} lists every
 * place searched and says where to put the files.
 */
export async function locateCifar(spec: CifarDatasetSpec, options: DataLocationOptions = {}): Promise<CifarSource> {
  const env = options.env ?? process.env;
  const search = await searchDataset(datasetSearchRoots(spec.id, env, options.systemDirs ?? []), (dir) => probeCifar(spec, dir));
  if ('found' in search) return search.found;
  const cacheDir = join(kdlabCacheDir(env), spec.id);
  const url = options.downloadBaseUrl === undefined ? spec.downloadUrl : `${options.downloadBaseUrl.replace(/\/+$/, '')}/${spec.archive}`;
  let failure: string;
  if (downloadAllowed(options, env)) {
    try {
      await downloadFile(url, join(cacheDir, spec.archive), downloadIdleTimeout(options));
      return { kind: 'archive', path: join(cacheDir, spec.archive) };
    } catch (error) {
      failure = (error as Error).message;
    }
  } else {
    failure = `not attempted (downloads are off: KDLAB_OFFLINE or the download option); the canonical archive is ${url}`;
  }
  throw new DatasetNotFoundError(
    spec.id,
    `${spec.folder}/{${[...spec.trainFiles, ...spec.testFiles].join(',')}} or ${spec.archive}`,
    search.searched,
    failure,
    `Put ${spec.archive}, or the ${spec.folder} folder extracted from it, in $KDLAB_DATA_DIR/${spec.id} (set KDLAB_DATA_DIR to a folder of your choice) or in ${cacheDir}.`,
  );
}

/** Reads the training and test batch files of a located CIFAR dataset, from its folder or straight from its archive. */
export async function readCifarSource(spec: CifarDatasetSpec, source: CifarSource): Promise<CifarBatchFiles> {
  if (source.kind === 'folder') {
    const read = (names: readonly string[]): Promise<CifarFile[]> =>
      Promise.all(names.map(async (name) => ({ file: join(source.dir, name), bytes: await readDataFile(join(source.dir, name)) })));
    const [train, test] = await Promise.all([read(spec.trainFiles), read(spec.testFiles)]);
    return { train, test };
  }
  const names = [...spec.trainFiles, ...spec.testFiles].map((name) => `${spec.folder}/${name}`);
  const members = await readTarMembers(source.path, new Set(names));
  const member = (name: string): CifarFile => {
    const path = `${spec.folder}/${name}`;
    const bytes = members.get(path);
    if (bytes === undefined) throw new DataFileError(source.path, `has no member ${path}`);
    return { file: `${source.path}:${path}`, bytes };
  };
  return { train: spec.trainFiles.map(member), test: spec.testFiles.map(member) };
}

/**
 * Loads a CIFAR dataset and splits it: `inputShape` `[32, 32, 3]` (HWC, converted from the files' CHW
 * planes), each channel standardised with the spec's fixed training-set statistics,
 * `(p / 255 - mean[c]) / std[c]` (fixed constants, so the values of an image do not depend on the split
 * or on `limitTrain`); validation carved from the canonical 50,000 training images (stratified, seeded,
 * fraction `val / (train + val)`), test the canonical 10,000 in file order, `limitTrain` a stratified
 * subset of train. Found by {@link locateCifar}.
 */
export async function loadCifarDataset(spec: CifarDatasetSpec, request: DatasetRequest, options: DataLocationOptions = {}): Promise<Dataset> {
  validateDatasetRequest(spec.id, request);
  const source = await locateCifar(spec, options);
  const files = await readCifarSource(spec, source);
  const trainSet = readCifarBatches(files.train, spec.layout);
  const testSet = readCifarBatches(files.test, spec.layout);
  const splits = splitCanonical(spec.id, trainSet, testSet, spec.layout.numClasses, request, cifarDecoding(spec.channelStats));
  return {
    name: spec.id,
    inputShape: [32, 32, 3],
    numClasses: spec.layout.numClasses,
    classNames: spec.classNames,
    ...splits,
    source: source.kind === 'folder' ? source.dir : source.path,
  };
}

/** Makes the dataset definition of a CIFAR dataset, with the given location options. */
export function createCifarDataset<Id extends string>(spec: CifarDatasetSpec<Id>, options: DataLocationOptions = {}): DatasetDefinition<Id> {
  return defineDataset({ id: spec.id, description: spec.description, load: (request) => loadCifarDataset(spec, request, options) });
}

/** CIFAR-10: 50,000 + 10,000 colour images of 32 x 32 in 10 classes (Krizhevsky, 2009). */
export const CIFAR10_SPEC: CifarDatasetSpec<'cifar10'> = {
  id: 'cifar10',
  description: 'CIFAR-10, 50,000 train + 10,000 test, 32x32 colour, 10 classes (binary version)',
  classNames: CIFAR10_CLASS_NAMES,
  layout: CIFAR10_LAYOUT,
  channelStats: CIFAR10_CHANNEL_STATS,
  folder: 'cifar-10-batches-bin',
  trainFiles: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
  testFiles: ['test_batch.bin'],
  archive: 'cifar-10-binary.tar.gz',
  downloadUrl: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
};

/** CIFAR-100: 50,000 + 10,000 colour images of 32 x 32 in 100 fine classes (Krizhevsky, 2009). */
export const CIFAR100_SPEC: CifarDatasetSpec<'cifar100'> = {
  id: 'cifar100',
  description: 'CIFAR-100, 50,000 train + 10,000 test, 32x32 colour, 100 fine classes (binary version)',
  classNames: CIFAR100_CLASS_NAMES,
  layout: CIFAR100_LAYOUT,
  channelStats: CIFAR100_CHANNEL_STATS,
  folder: 'cifar-100-binary',
  trainFiles: ['train.bin'],
  testFiles: ['test.bin'],
  archive: 'cifar-100-binary.tar.gz',
  downloadUrl: 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz',
};

/** The `cifar10` dataset. */
export const cifar10Dataset: DatasetDefinition<'cifar10'> = createCifarDataset(CIFAR10_SPEC);

/** The `cifar100` dataset (fine labels). */
export const cifar100Dataset: DatasetDefinition<'cifar100'> = createCifarDataset(CIFAR100_SPEC);

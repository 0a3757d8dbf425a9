import { lstat, readFile, readlink, realpath, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TarArchive, ZipArchive, addonTensorFlowIncludes, includeClosure, nativeDirLayout, placeLibrary, planLibraryLayout, type LibraryArchive } from '../src/index.js';
import { FAKE_ADDON_SOURCES, FAKE_HEADERS, fakeWheelInputs } from './support/fake-tensorflow.js';
import { tarWithGnuTar, zipWithPython } from './support/real-archives.js';
import { tempFolder } from './support/temp-folder.js';

async function place(archive: LibraryArchive, nativeDir: string, lines: string[] = [], moreIncludes: string[] = []): Promise<{ extracted: boolean; libraryFiles: string[] }> {
  const members = await archive.list();
  const plan = planLibraryLayout(members, archive.path);
  const closure = await includeClosure({
    roots: [...addonTensorFlowIncludes(FAKE_ADDON_SOURCES), ...moreIncludes],
    includeRoot: plan.includeRoot,
    members: new Set(members.filter((member) => member.kind === 'file').map((member) => member.path)),
    read: (paths) => archive.read(paths),
  });
  const info = await stat(archive.path);
  const source = { kind: archive instanceof ZipArchive ? ('wheel' as const) : ('tarball' as const), path: archive.path, size: info.size, modifiedMs: Math.floor(info.mtimeMs) };
  const layout = nativeDirLayout(nativeDir, 'node');
  const result = await placeLibrary({ archive, source, plan, headers: closure.headers, layout, log: (line) => lines.push(line) });
  return { ...result, libraryFiles: [plan.cLibrary.fileName, plan.frameworkLibrary.fileName] };
}

describe('placing a fake wheel where binding.gyp looks', () => {
  it('extracts the two libraries and only the included headers, makes the link names, and links deps/', async () => {
    const folder = await tempFolder();
    const wheel = join(folder, 'tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl');
    zipWithPython(wheel, fakeWheelInputs());
    const nativeDir = join(folder, 'native');
    expect((await place(new ZipArchive(wheel), nativeDir)).extracted).toBe(true);

    const deps = join(nativeDir, 'node_modules', '@tensorflow', 'tfjs-node', 'deps');
    expect((await lstat(deps)).isSymbolicLink()).toBe(true);
    expect(await realpath(deps)).toBe(await realpath(join(nativeDir, 'libtensorflow', 'node')));
    expect(await readFile(join(deps, 'lib', 'libtensorflow_cc.so.2'), 'utf8')).toBe('C API library bytes '.repeat(50));
    expect(await readlink(join(deps, 'lib', 'libtensorflow.so'))).toBe('libtensorflow_cc.so.2');
    expect(await readlink(join(deps, 'lib', 'libtensorflow_framework.so'))).toBe('libtensorflow_framework.so.2');
    expect((await stat(join(deps, 'lib', 'libtensorflow_cc.so.2'))).mode & 0o111).not.toBe(0);
    expect(await readFile(join(deps, 'include', 'tsl', 'c', 'tsl_status.h'), 'utf8')).toBe(FAKE_HEADERS['tsl/c/tsl_status.h']);
    await expect(stat(join(deps, 'include', 'tensorflow', 'core', 'unused.h'))).rejects.toThrow(/ENOENT/);
    await expect(stat(join(deps, 'lib', '_pywrap_tensorflow_internal.so'))).rejects.toThrow(/ENOENT/);
  });

  it('reuses an extraction from the same unchanged source, and redoes it when the source changes', async () => {
    const folder = await tempFolder();
    const wheel = join(folder, 'tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl');
    zipWithPython(wheel, fakeWheelInputs());
    const nativeDir = join(folder, 'native');
    await place(new ZipArchive(wheel), nativeDir);
    const lines: string[] = [];
    expect((await place(new ZipArchive(wheel), nativeDir, lines)).extracted).toBe(false);
    expect(lines).toEqual([`TensorFlow library: already extracted from this source into ${join(nativeDir, 'libtensorflow', 'node')}`]);
    await utimes(wheel, new Date(), new Date(Date.now() + 5000));
    expect((await place(new ZipArchive(wheel), nativeDir)).extracted).toBe(true);
  });

  it('extracts again when a build now includes headers the earlier extraction did not take (kdlab fused ops)', async () => {
    const folder = await tempFolder();
    const wheel = join(folder, 'tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl');
    zipWithPython(wheel, fakeWheelInputs());
    const nativeDir = join(folder, 'native');
    await place(new ZipArchive(wheel), nativeDir);
    const unused = join(nativeDir, 'libtensorflow', 'node', 'include', 'tensorflow', 'core', 'unused.h');
    await expect(stat(unused)).rejects.toThrow(/ENOENT/);
    expect((await place(new ZipArchive(wheel), nativeDir, [], ['tensorflow/core/unused.h'])).extracted).toBe(true);
    expect(await readFile(unused, 'utf8')).toBe(FAKE_HEADERS['tensorflow/core/unused.h']);
    expect((await place(new ZipArchive(wheel), nativeDir, [], ['tensorflow/core/unused.h'])).extracted).toBe(false);
  });
});

it('places a fake libtensorflow tarball with its versioned files and link chain', async () => {
  const folder = await tempFolder();
  const tarball = join(folder, 'libtensorflow-cpu-linux-x86_64-2.9.1.tar.gz');
  await tarWithGnuTar(tarball, [
    { path: 'lib/libtensorflow.so.2.9.1', data: 'c library' },
    { path: 'lib/libtensorflow.so.2', type: 'symlink', linkTarget: 'libtensorflow.so.2.9.1' },
    { path: 'lib/libtensorflow.so', type: 'symlink', linkTarget: 'libtensorflow.so.2' },
    { path: 'lib/libtensorflow_framework.so.2.9.1', data: 'framework' },
    { path: 'lib/libtensorflow_framework.so.2', type: 'symlink', linkTarget: 'libtensorflow_framework.so.2.9.1' },
    ...Object.entries(FAKE_HEADERS).map(([path, data]) => ({ path: `include/${path}`, data })),
  ]);
  const nativeDir = join(folder, 'native');
  const { libraryFiles } = await place(new TarArchive(tarball), nativeDir);
  expect(libraryFiles).toEqual(['libtensorflow.so.2.9.1', 'libtensorflow_framework.so.2.9.1']);
  const lib = join(nativeDir, 'libtensorflow', 'node', 'lib');
  expect(await readFile(join(lib, 'libtensorflow.so'), 'utf8')).toBe('c library');
  expect(await readlink(join(lib, 'libtensorflow.so.2'))).toBe('libtensorflow.so.2.9.1');
  expect(await readFile(join(lib, 'libtensorflow_framework.so.2'), 'utf8')).toBe('framework');
  expect(await readFile(join(nativeDir, 'libtensorflow', 'node', 'include', 'tensorflow', 'c', 'eager', 'c_api.h'), 'utf8')).toBe(FAKE_HEADERS['tensorflow/c/eager/c_api.h']);
});

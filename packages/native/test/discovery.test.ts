import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseLibrarySource, classifySourceName, compareVersions, defaultSearchLocations, discoverLibrarySources, formatNoLibraryFound, matchesPlatform, parseDistInfoName, parseWheelName, type HostPlatform, type LibrarySource } from '../src/index.js';
import { tempFolder, writeFiles } from './support/temp-folder.js';

const LINUX: HostPlatform = { os: 'linux', arch: 'x64' };
const CPU_WHEEL = 'tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl';

describe('recognising TensorFlow libraries by name', () => {
  it('parses wheel names, with and without a build tag', () => {
    expect(parseWheelName(CPU_WHEEL)).toEqual({ distribution: 'tensorflow_cpu', version: '2.21.0', pythonTag: 'cp311', platformTag: 'manylinux_2_27_x86_64' });
    expect(parseWheelName('Tensorflow-2.15.1-1-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl')?.distribution).toBe('tensorflow');
    expect(parseWheelName('tensorflow-2.15.1.tar.gz')).toBeUndefined();
    expect(parseWheelName('broken-name.whl')).toBeUndefined();
  });

  it('tells CPU-only wheels from CUDA builds, and other platforms from this one', () => {
    const classify = (name: string, host = LINUX): LibrarySource | undefined => classifySourceName(`/w/${name}`, host);
    expect(classify(CPU_WHEEL)).toMatchObject({ kind: 'wheel', version: '2.21.0', variant: 'cpu', label: 'tensorflow_cpu 2.21.0 wheel (manylinux_2_27_x86_64)' });
    expect(classify(CPU_WHEEL)?.platformMismatch).toBeUndefined();
    expect(classify('tensorflow-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl')?.variant).toBe('gpu');
    expect(classify('tensorflow_gpu-2.10.0-cp310-cp310-manylinux_2_17_x86_64.whl')?.variant).toBe('gpu');
    expect(classify('tensorflow-2.21.0-cp311-cp311-manylinux_2_27_aarch64.whl')).toMatchObject({ variant: 'cpu', platformMismatch: 'built for manylinux_2_27_aarch64, not linux x86_64' });
    expect(classify('tensorflow-2.16.1-cp311-cp311-macosx_12_0_arm64.whl', { os: 'darwin', arch: 'arm64' })).toMatchObject({ variant: 'cpu' });
    expect(classify('tensorflow-2.16.1-cp311-cp311-macosx_12_0_arm64.whl', { os: 'darwin', arch: 'arm64' })?.platformMismatch).toBeUndefined();
    expect(classify('numpy-2.0.0-cp311-cp311-manylinux_2_27_x86_64.whl')).toBeUndefined();
  });

  it('recognises official and tfjs libtensorflow tarballs, and trusts a renamed one on platform', () => {
    expect(classifySourceName('/t/libtensorflow-gpu-linux-x86_64-2.9.1.tar.gz', LINUX)).toMatchObject({ kind: 'tarball', version: '2.9.1', variant: 'gpu' });
    expect(classifySourceName('/t/libtensorflow_r2_7_linux_arm64.tar.gz', LINUX)).toMatchObject({ version: '2.7', variant: 'unknown', platformMismatch: 'built for libtensorflow_r2_7_linux_arm64, not linux x86_64' });
    expect(classifySourceName('/t/libtensorflow-cpu-darwin-x86_64-2.9.1.tar.gz', { os: 'win32', arch: 'x64' })?.platformMismatch).toMatch(/not win32 x86_64/);
    expect(classifySourceName('/t/libtensorflow-custom.tgz', LINUX)).toMatchObject({ variant: 'unknown' });
    expect(classifySourceName('/t/libtensorflow-custom.tgz', LINUX)?.platformMismatch).toBeUndefined();
    expect(classifySourceName('/t/other-2.9.1.tar.gz', LINUX)).toBeUndefined();
  });

  it('reads dist-info folder names and matches platform spellings', () => {
    expect(parseDistInfoName('tensorflow_cpu-2.21.0.dist-info')).toEqual({ distribution: 'tensorflow_cpu', version: '2.21.0' });
    expect(parseDistInfoName('numpy-2.0.0.dist-info')).toBeUndefined();
    expect(matchesPlatform('win_amd64', { os: 'win32', arch: 'x64' })).toBe(true);
    expect(matchesPlatform('macosx_11_0_universal2', { os: 'darwin', arch: 'x64' })).toBe(true);
    expect(matchesPlatform('manylinux2014_x86_64', { os: 'linux', arch: 'arm64' })).toBe(false);
  });

  it('compares versions numerically', () => {
    expect(compareVersions('2.21.0', '2.9.1')).toBeGreaterThan(0);
    expect(compareVersions('2.9', '2.9.0')).toBe(0);
    expect(compareVersions(undefined, '1.0')).toBeLessThan(0);
  });
});

describe('choosing the library', () => {
  const source = (path: string, variant: LibrarySource['variant'], version?: string, platformMismatch?: string): LibrarySource => ({
    kind: 'wheel',
    path,
    label: path,
    variant,
    ...(version !== undefined ? { version } : {}),
    ...(platformMismatch !== undefined ? { platformMismatch } : {}),
  });
  const candidates = [
    source('/a/gpu-2.21', 'gpu', '2.21.0'),
    source('/b/cpu-2.9', 'cpu', '2.9.1'),
    source('/c/cpu-2.21', 'cpu', '2.21.0'),
    source('/d/mac', 'cpu', '2.30.0', 'built for macosx, not linux x86_64'),
    source('/e/custom', 'unknown'),
  ];

  it('for the CPU backend prefers CPU-only libraries, then the newest', () => {
    const choice = chooseLibrarySource(candidates, { gpu: false });
    expect(choice.chosen?.path).toBe('/c/cpu-2.21');
    expect(choice.alternatives.map((alternative) => alternative.path)).toEqual(['/b/cpu-2.9', '/e/custom', '/a/gpu-2.21']);
    expect(choice.rejected).toEqual([{ source: candidates[3], reason: 'built for macosx, not linux x86_64' }]);
  });

  it('for the GPU backend takes only CUDA builds, or an unnamed one the user named', () => {
    const choice = chooseLibrarySource(candidates, { gpu: true });
    expect(choice.chosen?.path).toBe('/a/gpu-2.21');
    expect(choice.rejected.map((rejected) => [rejected.source.path, rejected.reason])).toEqual([
      ['/b/cpu-2.9', 'a CPU-only build: the GPU backend needs a CUDA-enabled TensorFlow library'],
      ['/c/cpu-2.21', 'a CPU-only build: the GPU backend needs a CUDA-enabled TensorFlow library'],
      ['/d/mac', 'built for macosx, not linux x86_64'],
      ['/e/custom', 'its name does not say it is CUDA-enabled: name it with --from to use it for the GPU backend'],
    ]);
    expect(chooseLibrarySource([candidates[4]!], { gpu: true, trustUnknown: true }).chosen?.path).toBe('/e/custom');
    expect(chooseLibrarySource([candidates[1]!], { gpu: true }).chosen).toBeUndefined();
  });
});

describe('searching the disk', () => {
  it('finds wheels in nested caches, tarballs, and unpacked or installed library folders', async () => {
    const root = await tempFolder();
    await writeFiles(root, {
      [`pip/wheels/ab/cd/ef/01/${CPU_WHEEL}`]: '',
      'index/files/libtensorflow-cpu-linux-x86_64-2.9.1.tar.gz': '',
      'index/files/numpy-2.0.0-cp311-cp311-manylinux_2_27_x86_64.whl': '',
      'index/too/deep/for/search/tensorflow-2.1.0-cp37-cp37m-manylinux2010_x86_64.whl': '',
      'unpacked/libtensorflow-2.9.1/include/tensorflow/c/c_api.h': '',
      'unpacked/libtensorflow-2.9.1/lib/libtensorflow.so.2': '',
      'venv/lib/python3.11/site-packages/tensorflow/include/tensorflow/c/c_api.h': '',
      'venv/lib/python3.11/site-packages/tensorflow/libtensorflow_cc.so.2': '',
    });
    await mkdir(join(root, 'venv/lib/python3.11/site-packages/tensorflow_cpu-2.20.0.dist-info'));
    const report = await discoverLibrarySources({
      host: LINUX,
      locations: [
        { path: join(root, 'pip', 'wheels'), depth: 6, why: 'pip cache' },
        { path: join(root, 'index'), depth: 2, why: 'index' },
        { path: join(root, 'unpacked'), depth: 1, why: 'downloads' },
        { path: join(root, 'missing'), depth: 1, why: 'nowhere' },
      ],
      prefixes: [join(root, 'venv')],
    });
    expect(report.candidates.map((candidate) => [candidate.kind, candidate.path.slice(root.length + 1), candidate.variant, candidate.version])).toEqual([
      ['wheel', `pip/wheels/ab/cd/ef/01/${CPU_WHEEL}`, 'cpu', '2.21.0'],
      ['tarball', 'index/files/libtensorflow-cpu-linux-x86_64-2.9.1.tar.gz', 'cpu', '2.9.1'],
      ['folder', 'unpacked/libtensorflow-2.9.1', 'unknown', '2.9.1'],
      ['folder', 'venv/lib/python3.11/site-packages/tensorflow', 'cpu', '2.20.0'],
    ]);
    expect(report.searched.map((location) => [location.why, location.exists])).toEqual([
      ['pip cache', true],
      ['index', true],
      ['downloads', true],
      ['nowhere', false],
      ['installed TensorFlow', true],
    ]);
  });

  it('with --from looks only there: a file, a library folder, or a folder of wheels', async () => {
    const root = await tempFolder();
    await writeFiles(root, { [`wheels/${CPU_WHEEL}`]: '', 'notes.txt': '' });
    expect((await discoverLibrarySources({ from: join(root, 'wheels', CPU_WHEEL), host: LINUX, cwd: root })).candidates).toHaveLength(1);
    expect((await discoverLibrarySources({ from: 'wheels', host: LINUX, cwd: root })).candidates[0]?.path).toBe(join(root, 'wheels', CPU_WHEEL));
    await expect(discoverLibrarySources({ from: 'nowhere.whl', host: LINUX, cwd: root })).rejects.toThrow(`--from nowhere.whl: no such file or folder (${join(root, 'nowhere.whl')})`);
    await expect(discoverLibrarySources({ from: 'notes.txt', host: LINUX, cwd: root })).rejects.toThrow(/--from notes\.txt: not a TensorFlow wheel .* or libtensorflow tarball/);
  });

  it('searches pip, the local index and wheel folders by default', () => {
    const locations = defaultSearchLocations({ env: { PIP_FIND_LINKS: 'file:///srv/wheels https://mirror/simple', XDG_CACHE_HOME: '/xdg' }, home: '/home/u', cwd: '/p' });
    expect(locations.slice(0, 3).map((location) => location.path)).toEqual(['/srv/wheels', '/xdg/pip/wheels', '/opt/pypi']);
    expect(locations.map((location) => location.path)).toContain('/home/u/wheelhouse');
  });
});

describe('the message when nothing usable is found', () => {
  const searched = [
    { path: '/root/.cache/pip/wheels', depth: 6, why: "pip's wheel cache", exists: false },
    { path: '/opt/pypi', depth: 3, why: 'local package index', exists: true },
  ];
  const cpuWheel: LibrarySource = { kind: 'wheel', path: `/opt/pypi/${CPU_WHEEL}`, label: 'cpu wheel', variant: 'cpu', version: '2.21.0' };

  it('for the GPU backend: where kdlab looked, what it could not use, and that a CUDA build is needed', () => {
    const choice = chooseLibrarySource([cpuWheel], { gpu: true });
    const message = formatNoLibraryFound({ candidates: [cpuWheel], searched }, choice, { gpu: true, host: LINUX });
    expect(message).toMatch(/^No CUDA-enabled TensorFlow C library for linux x86_64 found\.\nLooked in:\n  \/root\/\.cache\/pip\/wheels \(pip's wheel cache, missing\)\n  \/opt\/pypi \(local package index\)\n/);
    expect(message).toContain(`Found, but cannot use:\n  /opt/pypi/${CPU_WHEEL}: a CPU-only build`);
    expect(message).toContain('the "tensorflow" wheel for linux x86_64 (a CUDA build; "tensorflow-cpu" is CPU-only)');
    expect(message).toContain('the GPU backend cannot be built: use the CPU one (`kdlab native build`)');
  });

  it('for the CPU backend with --from: no search list, and what to bring', () => {
    const message = formatNoLibraryFound({ candidates: [], searched: [] }, chooseLibrarySource([], { gpu: false }), { gpu: false, host: LINUX, from: '/data/x' });
    expect(message).toMatch(/^No TensorFlow C library for linux x86_64 found at \/data\/x\.\nWhat to do: .*--from <path>:/);
    expect(message).not.toContain('Looked in');
    expect(message).toContain('pip download tensorflow-cpu --no-deps');
  });
});

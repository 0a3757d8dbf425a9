import { describe, expect, it } from 'vitest';
import { addonModuleDir, addonTensorFlowIncludes, chooseNapiBuildVersion, chooseNodeHeadersDir, includeClosure, nativeDirLayout, nodeGypArguments, planLibraryLayout, quotedIncludes, type ArchiveMember } from '../src/index.js';
import { FAKE_ADDON_SOURCES, FAKE_HEADERS } from './support/fake-tensorflow.js';

const file = (path: string, size = 10): ArchiveMember => ({ path, kind: 'file', size });
const link = (path: string, linkTarget: string): ArchiveMember => ({ path, kind: 'symlink', size: 0, linkTarget });
const HEADERS = [file('include/tensorflow/c/c_api.h'), file('include/tensorflow/c/eager/c_api.h')];

describe('planning where the library goes (binding.gyp wants deps/lib and deps/include)', () => {
  it('a wheel: libtensorflow_cc as the C library, linked as libtensorflow.so for -ltensorflow', () => {
    const members = [
      file('tensorflow/libtensorflow_cc.so.2', 800),
      file('tensorflow/libtensorflow_framework.so.2', 60),
      file('tensorflow/python/libtensorflow_framework.so.2'),
      file('tensorflow/include/tensorflow/c/c_api.h'),
      file('tensorflow/include/tensorflow/c/eager/c_api.h'),
      file('tensorflow/xla_aot_runtime_src/tensorflow/c/c_api.h'),
    ];
    expect(planLibraryLayout(members, 'tf.whl')).toEqual({
      cLibrary: { member: 'tensorflow/libtensorflow_cc.so.2', fileName: 'libtensorflow_cc.so.2' },
      frameworkLibrary: { member: 'tensorflow/libtensorflow_framework.so.2', fileName: 'libtensorflow_framework.so.2' },
      links: [
        { name: 'libtensorflow.so', target: 'libtensorflow_cc.so.2' },
        { name: 'libtensorflow_framework.so', target: 'libtensorflow_framework.so.2' },
      ],
      includeRoot: 'tensorflow/include',
    });
  });

  it('a libtensorflow tarball: links followed to the versioned files, and every link name kept', () => {
    const members = [
      link('lib/libtensorflow.so', 'libtensorflow.so.2'),
      link('lib/libtensorflow.so.2', 'libtensorflow.so.2.9.1'),
      file('lib/libtensorflow.so.2.9.1'),
      link('lib/libtensorflow_framework.so', 'libtensorflow_framework.so.2'),
      link('lib/libtensorflow_framework.so.2', 'libtensorflow_framework.so.2.9.1'),
      file('lib/libtensorflow_framework.so.2.9.1'),
      ...HEADERS,
    ];
    const plan = planLibraryLayout(members, 'lt.tar.gz');
    expect(plan.cLibrary).toEqual({ member: 'lib/libtensorflow.so.2.9.1', fileName: 'libtensorflow.so.2.9.1' });
    expect(plan.links).toEqual([
      { name: 'libtensorflow.so', target: 'libtensorflow.so.2.9.1' },
      { name: 'libtensorflow.so.2', target: 'libtensorflow.so.2.9.1' },
      { name: 'libtensorflow_framework.so', target: 'libtensorflow_framework.so.2.9.1' },
      { name: 'libtensorflow_framework.so.2', target: 'libtensorflow_framework.so.2.9.1' },
    ]);
    expect(plan.includeRoot).toBe('include');
  });

  it('a folder copied without links: one copy taken, its soname made a link; the pure C library preferred', () => {
    const members = [file('lib/libtensorflow.so'), file('lib/libtensorflow.so.2'), file('lib/libtensorflow.so.2.9.1'), file('lib/libtensorflow_cc.so.2'), file('lib/libtensorflow_framework.so.2.9.1'), ...HEADERS];
    const plan = planLibraryLayout(members, 'folder');
    expect(plan.cLibrary.fileName).toBe('libtensorflow.so.2.9.1');
    expect(plan.links.map((entry) => entry.name)).toEqual(['libtensorflow.so', 'libtensorflow.so.2', 'libtensorflow_framework.so', 'libtensorflow_framework.so.2']);
  });

  it('says what is missing: the framework library, or the C API headers', () => {
    expect(() => planLibraryLayout([file('lib/libtensorflow.so.2'), ...HEADERS], 'half.tar.gz')).toThrow(/half\.tar\.gz: no TensorFlow C library in it: expected libtensorflow\.so\.N .* beside libtensorflow_framework\.so\.N/);
    expect(() => planLibraryLayout([link('lib/libtensorflow.so.2', '/abs/elsewhere.so'), file('lib/libtensorflow_framework.so.2'), ...HEADERS], 'abs')).toThrow(/abs: no TensorFlow C library/);
    expect(() => planLibraryLayout([file('lib/libtensorflow.so.2'), file('lib/libtensorflow_framework.so.2'), file('include/tensorflow/c/c_api.h')], 'noeager')).toThrow(
      /noeager: no TensorFlow C API headers in it: expected tensorflow\/c\/c_api\.h and tensorflow\/c\/eager\/c_api\.h/,
    );
  });
});

describe('the headers to extract', () => {
  it('reads quoted includes only', () => {
    expect(quotedIncludes('#include "a/b.h"\n  #  include "c.h" // x\n#include <stdio.h>\n// #include "no.h"\n')).toEqual(['a/b.h', 'c.h']);
  });

  it("keeps the addon's TensorFlow includes, not its own headers", () => {
    expect(addonTensorFlowIncludes(FAKE_ADDON_SOURCES)).toEqual(['tensorflow/c/c_api.h', 'tensorflow/c/eager/c_api.h', 'tensorflow/core/platform/ctstring_internal.h']);
  });

  it('follows includes through the headers, beside the includer first, and reports what is missing', async () => {
    const root = 'tensorflow/include';
    const contents = new Map(Object.entries(FAKE_HEADERS).map(([path, text]) => [`${root}/${path}`, Buffer.from(text)]));
    const reads: string[][] = [];
    const closure = await includeClosure({
      roots: [...addonTensorFlowIncludes(FAKE_ADDON_SOURCES), 'tensorflow/c/absent.h'],
      includeRoot: root,
      members: new Set(contents.keys()),
      read: async (paths) => {
        reads.push(paths);
        return new Map(paths.map((path) => [path, contents.get(path)!]));
      },
    });
    expect(closure.headers.map((path) => path.slice(root.length + 1))).toEqual([
      'tensorflow/c/c_api.h',
      'tensorflow/c/eager/c_api.h',
      'tensorflow/c/tf_status.h',
      'tensorflow/c/tf_tensor.h',
      'tensorflow/core/platform/ctstring_internal.h',
      'tsl/c/tsl_status.h',
      'tsl/platform/ctstring_internal.h',
    ]);
    expect(closure.missing).toEqual([{ name: 'tensorflow/c/absent.h', from: 'addon' }]);
    expect(reads.length).toBeLessThanOrEqual(3);
  });
});

describe('node-gyp settings', () => {
  const binary = { module_name: 'tfjs_binding', module_path: './lib/napi-v{napi_build_version}', napi_versions: [3, 4, 5, 6, 7, 8] };

  it('builds for the highest Node-API the package lists and this Node has, where node-pre-gyp looks', () => {
    expect(chooseNapiBuildVersion(binary.napi_versions, 9)).toBe(8);
    expect(chooseNapiBuildVersion(binary.napi_versions, 5)).toBe(5);
    expect(() => chooseNapiBuildVersion([8], 6)).toThrow('the addon supports Node-API 8, and this Node.js offers only Node-API 6: use a newer Node.js.');
    expect(addonModuleDir('/n/node_modules/@tensorflow/tfjs-node', binary, 8)).toBe('/n/node_modules/@tensorflow/tfjs-node/lib/napi-v8');
  });

  it('passes the gyp variables binding.gyp reads, and local headers', () => {
    expect(nodeGypArguments({ napiVersion: 8, moduleName: 'tfjs_binding', moduleDir: '/p/lib/napi-v8', nodeDir: '/usr', jobs: 2 })).toEqual([
      'rebuild',
      '--napi_build_version=8',
      '--module_name=tfjs_binding',
      '--module_path=/p/lib/napi-v8',
      '--nodedir=/usr',
      '--jobs=2',
    ]);
  });

  it('takes the first folder with node_api.h and common.gypi', () => {
    const present = new Set(['/usr/include/node/node_api.h', '/usr/include/node/common.gypi', '/opt/include/node/node_api.h']);
    expect(chooseNodeHeadersDir([undefined, '/opt', '/usr'], (path) => present.has(path))).toBe('/usr');
    expect(chooseNodeHeadersDir(['/opt'], (path) => present.has(path))).toBeUndefined();
  });

  it('lays the build folder out per backend, the library outside node_modules', () => {
    expect(nativeDirLayout('/p/.kdlab/native', 'node-gpu')).toEqual({
      nativeDir: '/p/.kdlab/native',
      packageJson: '/p/.kdlab/native/package.json',
      packageDir: '/p/.kdlab/native/node_modules/@tensorflow/tfjs-node-gpu',
      depsLink: '/p/.kdlab/native/node_modules/@tensorflow/tfjs-node-gpu/deps',
      libraryDir: '/p/.kdlab/native/libtensorflow/node-gpu',
      libraryStamp: '/p/.kdlab/native/libtensorflow/node-gpu/source.json',
      buildLog: '/p/.kdlab/native/logs/node-gpu-build.log',
    });
  });
});

import { join } from 'node:path';
import { createProgram } from '@kdlab/cli';
import { NATIVE_OPS_VERSION, writeNativeManifest } from '@kdlab/core';
import { afterEach, expect, it, vi } from 'vitest';
import { writeFakeNativePackage } from './support/fake-native-package.js';
import { tempFolder } from './support/temp-folder.js';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

async function runCli(args: string[]): Promise<string> {
  let output = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output += chunk.toString();
    return true;
  });
  await createProgram().parseAsync(['node', 'kdlab', ...args]);
  return output;
}

it('`kdlab native status` says which backends load, where from, the library version and the threads', async () => {
  const nativeDir = await tempFolder();
  const main = await writeFakeNativePackage(nativeDir, { tensorflowVersion: '2.21.0' });
  await writeNativeManifest(nativeDir, {
    formatVersion: 1,
    builds: {
      node: {
        package: '@tensorflow/tfjs-node',
        packageVersion: '4.22.0',
        tensorflowVersion: '2.21.0',
        source: { kind: 'wheel', path: '/opt/pypi/files/tensorflow_cpu-2.21.0.whl', size: 1, modifiedMs: 1 },
        libraryFiles: ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2'],
        addonPath: join(nativeDir, 'addon.node'),
        napiVersion: 8,
        nodeVersion: 'v20.20.2',
        builtAt: '2025-01-01T00:00:00.000Z',
        buildSeconds: 25,
        ops: { path: join(nativeDir, 'ops', 'node', 'kdlab_ops.node'), version: NATIVE_OPS_VERSION - 1, sourceSha256: 'abc' },
      },
    },
  });
  const output = await runCli(['native', 'status', '--dir', nativeDir, '--threads', '3']);
  expect(output.split('\n')).toEqual([
    `native build folder: ${nativeDir}`,
    'threads: 3 intra-op / 2 inter-op threads (from --threads), set as TF_NUM_INTRAOP_THREADS / TF_NUM_INTEROP_THREADS',
    'node     importable: @tensorflow/tfjs-node 4.22.0, TensorFlow 2.21.0 C library, CPU only',
    `         loads from: ${main}`,
    '         built from: wheel /opt/pypi/files/tensorflow_cpu-2.21.0.whl',
    '         built on 2025-01-01T00:00:00.000Z in 25 s for Node-API 8 (Node v20.20.2)',
    `         kdlab fused ops: version ${NATIVE_OPS_VERSION - 1}, this kdlab uses ${NATIVE_OPS_VERSION}: not used (run \`kdlab native build\`)`,
    `node-gpu not importable: not installed (not built in ${nativeDir})`,
    '         to build it: kdlab native build --gpu (needs a CUDA-enabled TensorFlow library)',
    '',
  ]);
  expect(process.exitCode).toBe(0);
});

it('`kdlab native status --threads` rejects a bad count', async () => {
  const errors: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => errors.push(chunk.toString()) > 0);
  await runCli(['native', 'status', '--threads', '-1']);
  expect(errors.join('')).toBe('kdlab native status: --threads: expected a positive whole number of threads, got "-1".\n');
  expect(process.exitCode).toBe(2);
});

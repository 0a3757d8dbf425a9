import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NativeOpsRecord } from '@kdlab/core';
import { quotedIncludes } from '../layout/include-closure.js';
import type { NativeDirLayout } from '../layout/native-dir-layout.js';
import { runLogged } from '../toolchain/run-logged.js';

/** The C++ source of kdlab's fused TensorFlow ops (shipped with this package, beside `src/`). */
export const OPS_SOURCE = fileURLToPath(new URL('../../ops/kdlab_ops.cc', import.meta.url));

/** The ops' version the source declares (`#define KDLAB_OPS_VERSION n`). */
export function opsSourceVersion(source: string): number {
  const match = /^#define KDLAB_OPS_VERSION (\d+)$/m.exec(source);
  if (match === null) throw new Error(`${OPS_SOURCE}: no "#define KDLAB_OPS_VERSION <n>" line.`);
  return Number(match[1]);
}

/** The TensorFlow headers the ops' source includes (its quoted includes), for the include closure. */
export async function opsTensorFlowIncludes(): Promise<string[]> {
  return quotedIncludes(await readFile(OPS_SOURCE, 'utf8'));
}

/** A SHA-256 of the ops' source, to tell when a build is out of date. */
export function opsSourceHash(source: string): string {
  return createHash('sha256').update(source).digest('hex');
}

/** Whether a recorded ops build is the one this package's source makes, and its file is still there. */
export async function opsUpToDate(record: NativeOpsRecord | undefined): Promise<boolean> {
  if (record === undefined || !existsSync(record.path)) return false;
  return record.sourceSha256 === opsSourceHash(await readFile(OPS_SOURCE, 'utf8'));
}

/**
 * The compiler's arguments: optimised loops, vectorised and cloned per instruction set by the source
 * itself (no `-march`, so the result runs on any x86-64); math without `errno` or trapping (so that the
 * loops vectorise) and without contracting a product and a sum into one fused multiply-add (so that
 * the forward ops round as TensorFlow's kernels do); linked to the TensorFlow libraries the tfjs-node
 * addon loads (the C library and the framework: a wheel exports the kernel C API from the one, a
 * tarball from the other), found at run time where they are (`-rpath`).
 */
export function opsCompileArguments(request: { source: string; output: string; libraryDir: string; libraries: readonly string[]; nodeIncludeDir: string }): string[] {
  const lib = join(request.libraryDir, 'lib');
  return [
    '-O3',
    '-fno-math-errno',
    '-fno-trapping-math',
    '-ffp-contract=off',
    '-std=c++17',
    '-shared',
    '-fPIC',
    '-fvisibility=hidden',
    '-Wall',
    `-I${request.nodeIncludeDir}`,
    `-I${join(request.libraryDir, 'include')}`,
    request.source,
    `-L${lib}`,
    ...request.libraries.map((library) => `-l:${library}`),
    `-Wl,-rpath,${lib}`,
    '-o',
    request.output,
  ];
}

/**
 * Compiles kdlab's fused ops (`ops/kdlab_ops.cc`: GELU and layer norm forward and backward, softmax's
 * gradient, the attention's head split, on TensorFlow's C API for kernels) into a Node-API addon beside the
 * extracted library, `ops/<backend>/kdlab_ops.node` in the build folder, with the C++ compiler
 * (`CXX`, else `c++`). The output goes to the build log.
 *
 * @param request - The layout, the TensorFlow libraries' file names (in `lib/`), the Node.js headers
 *   folder (its `include/node`), the backend.
 * @returns what the manifest records.
 */
export async function buildOps(request: { layout: NativeDirLayout; libraries: readonly string[]; nodeDir: string; backend: string }): Promise<NativeOpsRecord> {
  const source = await readFile(OPS_SOURCE, 'utf8');
  const output = join(request.layout.nativeDir, 'ops', request.backend, 'kdlab_ops.node');
  await mkdir(dirname(output), { recursive: true });
  const compiler = process.env['CXX'] ?? 'c++';
  const args = opsCompileArguments({ source: OPS_SOURCE, output, libraryDir: request.layout.libraryDir, libraries: request.libraries, nodeIncludeDir: join(request.nodeDir, 'include', 'node') });
  await runLogged(compiler, args, { cwd: request.layout.nativeDir, logFile: request.layout.buildLog, step: "compiling kdlab's fused ops" });
  return { path: output, version: opsSourceVersion(source), sourceSha256: opsSourceHash(source) };
}

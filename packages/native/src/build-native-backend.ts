import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  NATIVE_PACKAGES,
  TFJS_NODE_VERSION,
  probeNativeBackend,
  readNativeManifest,
  resolveNativeThreads,
  writeNativeManifest,
  type BuildNativeBackend,
  type LibrarySourceRecord,
  type NativeBackendName,
  type NativeBuildRecord,
  type NativeBuildRequest,
  type NativeOpsRecord,
} from '@kdlab/core';
import { openLibraryArchive } from './archive/open-library-archive.js';
import { chooseLibrarySource } from './discovery/choose-library-source.js';
import { discoverLibrarySources } from './discovery/find-library-sources.js';
import { formatChosenSource, formatNoLibraryFound } from './discovery/format-source-choice.js';
import { currentPlatform, describePlatform } from './discovery/host-platform.js';
import type { LibrarySource } from './discovery/library-source.js';
import { buildAddon } from './install/build-addon.js';
import { buildOps, opsTensorFlowIncludes, opsUpToDate } from './install/build-ops.js';
import { fetchNativePackage } from './install/fetch-native-package.js';
import { placeLibrary } from './install/place-library.js';
import { readAddonSources } from './install/read-addon-sources.js';
import { addonTensorFlowIncludes, includeClosure } from './layout/include-closure.js';
import { nativeDirLayout, type NativeDirLayout } from './layout/native-dir-layout.js';
import { planLibraryLayout } from './layout/plan-library-layout.js';
import { missingBuildTools } from './toolchain/check-build-tools.js';
import { findNodeHeaders } from './toolchain/find-node-headers.js';
import { findNpmTools } from './toolchain/find-npm-tools.js';

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(0)} MB`;
}

async function sourceRecord(source: LibrarySource): Promise<LibrarySourceRecord> {
  const info = await stat(source.path);
  return { kind: source.kind, path: source.path, size: info.isFile() ? info.size : 0, modifiedMs: Math.floor(info.mtimeMs) };
}

function packageMain(layout: NativeDirLayout, pkg: string): string {
  return createRequire(join(layout.nativeDir, 'package.json')).resolve(pkg);
}

/** Whether the manifest's build came from the same unchanged source and its addon is still there. */
function upToDate(previous: NativeBuildRecord | undefined, source: LibrarySourceRecord): previous is NativeBuildRecord {
  return (
    previous !== undefined &&
    previous.packageVersion === TFJS_NODE_VERSION &&
    previous.source.kind === source.kind &&
    previous.source.path === source.path &&
    previous.source.size === source.size &&
    previous.source.modifiedMs === source.modifiedMs &&
    previous.nodeVersion === process.version &&
    existsSync(previous.addonPath)
  );
}

/** Steps 1: find the TensorFlow library to build against, or say where kdlab looked and what to bring. */
async function chooseSource(request: NativeBuildRequest): Promise<LibrarySource> {
  const host = currentPlatform();
  const gpu = request.backend === 'node-gpu';
  const report = await discoverLibrarySources({ ...(request.from !== undefined ? { from: request.from } : {}), host });
  const choice = chooseLibrarySource(report.candidates, { gpu, trustUnknown: request.from !== undefined });
  if (choice.chosen === undefined) throw new Error(formatNoLibraryFound(report, choice, { gpu, host, ...(request.from !== undefined ? { from: request.from } : {}) }));
  request.log(formatChosenSource(choice));
  if (gpu && choice.chosen.variant === 'unknown') request.log('  (its name does not say whether it is a CUDA build: taken on trust because you named it)');
  return choice.chosen;
}

/** Step 3: the library's files and the headers the addon and kdlab's fused ops include, into the build folder. */
async function extractLibrary(source: LibrarySource, record: LibrarySourceRecord, layout: NativeDirLayout, log: (line: string) => void): Promise<string[]> {
  const archive = openLibraryArchive(source);
  log(`reading ${source.path} ...`);
  const members = await archive.list();
  const plan = planLibraryLayout(members, source.path);
  const sizes = new Map(members.map((member) => [member.path, member.size]));
  log(
    `  C library: ${plan.cLibrary.member} (${megabytes(sizes.get(plan.cLibrary.member) ?? 0)}), ` +
      `framework: ${plan.frameworkLibrary.member} (${megabytes(sizes.get(plan.frameworkLibrary.member) ?? 0)}), headers under ${plan.includeRoot || '(top)'}/`,
  );
  const addonIncludes = addonTensorFlowIncludes(await readAddonSources(layout.packageDir));
  const closure = await includeClosure({
    roots: [...new Set([...addonIncludes, ...(await opsTensorFlowIncludes())])].sort(),
    includeRoot: plan.includeRoot,
    members: new Set(members.filter((member) => member.kind === 'file').map((member) => member.path)),
    read: (paths) => archive.read(paths),
  });
  const fromAddon = closure.missing.filter((missing) => missing.from === 'addon' && addonIncludes.includes(missing.name));
  if (fromAddon.length > 0) {
    throw new Error(
      `${source.path} lacks headers that tfjs-node ${TFJS_NODE_VERSION}'s addon includes: ${fromAddon.map((missing) => missing.name).join(', ')}. ` +
        'This TensorFlow may be too old or too new for it: try another version with --from.',
    );
  }
  for (const missing of closure.missing) log(`  note: ${missing.from} includes "${missing.name}", which the source lacks (the compiler will say if it matters)`);
  await placeLibrary({ archive, source: record, plan, headers: closure.headers, layout, log });
  return [plan.cLibrary.fileName, plan.frameworkLibrary.fileName];
}

/**
 * Step 5b: kdlab's fused ops beside the addon. Optional: when they do not compile (a TensorFlow whose
 * C API lacks kernels.h, say), the build goes on without them and says why.
 */
async function buildFusedOps(layout: NativeDirLayout, libraries: readonly string[], nodeDir: string, backend: NativeBackendName, log: (line: string) => void): Promise<NativeOpsRecord | undefined> {
  log(`compiling kdlab's fused ops (output in ${layout.buildLog}) ...`);
  const started = performance.now();
  try {
    const ops = await buildOps({ layout, libraries, nodeDir, backend });
    log(`  built ${ops.path} (version ${ops.version}) in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    return ops;
  } catch (error) {
    log(`  warning: kdlab's fused ops did not compile, so the native backend runs without them (${(error as Error).message.split('\n')[0]}; see ${layout.buildLog})`);
    return undefined;
  }
}

/**
 * `kdlab native build`: builds `@tensorflow/tfjs-node` (or `-gpu`) against a TensorFlow C library
 * found on disk, without its install script's download, in the native build folder:
 *
 * 1. finds a TensorFlow wheel, libtensorflow tarball or folder (`--from`, else pip's caches, wheel
 *    folders, `/opt/pypi`, installed Python environments) and picks the best for this platform;
 * 2. checks the build tools (make, a C++ compiler, Python, npm's node-gyp, local Node.js headers);
 * 3. installs the package from the npm registry with `--ignore-scripts`;
 * 4. extracts the two shared libraries and just the C API headers the addon includes, into
 *    `libtensorflow/<backend>`, linked as the package's `deps/` where its `binding.gyp` looks;
 * 5. compiles the addon with node-gyp, into the folder node-pre-gyp's `find` looks in, and kdlab's
 *    fused ops (`ops/kdlab_ops.cc`) beside it;
 * 6. loads it in a fresh process and runs an op;
 * 7. records what was built from what in the folder's manifest.
 *
 * Idempotent: when the manifest's build came from the same unchanged library and still loads,
 * nothing is done (unless `force`) but for the fused ops when their source changed; an extracted
 * library is reused when only the addon needs rebuilding. Every step logs what it found where; failures say what is missing and what to do.
 *
 * @param request - The backend, the `--from` path, the build folder, `force`, and the log.
 */
export const buildNativeBackend: BuildNativeBackend = async (request) => {
  const started = performance.now();
  const { backend, log } = request;
  const pkg = NATIVE_PACKAGES[backend];
  const host = currentPlatform();
  if (host.os !== 'linux') {
    throw new Error(`building the native backend is supported on Linux only (this is ${describePlatform(host)}). Elsewhere, \`npm install ${pkg}\` fetches a prebuilt one where the network allows.`);
  }
  log(`kdlab native build: ${pkg}@${TFJS_NODE_VERSION} for ${describePlatform(host)}, Node.js ${process.version} (Node-API ${process.versions.napi}), in ${request.nativeDir}`);
  const layout = nativeDirLayout(request.nativeDir, backend);
  const threads = resolveNativeThreads();

  const source = await chooseSource(request);
  const record = await sourceRecord(source);
  const manifest = await readNativeManifest(request.nativeDir);
  const previous = manifest.builds[backend];
  if (!request.force && upToDate(previous, record)) {
    const probe = await probeNativeBackend(backend, { nativeDir: request.nativeDir, threads, packagePath: packageMain(layout, pkg) });
    if (probe.importable && (await opsUpToDate(previous.ops))) {
      log(`already built from this library (TensorFlow ${probe.tensorflowVersion}), and it loads: nothing to do (--force rebuilds).`);
      return { record: previous, rebuilt: false };
    }
    if (probe.importable) {
      log(`already built from this library (TensorFlow ${probe.tensorflowVersion}), and it loads; kdlab's fused ops are ${previous.ops === undefined ? 'missing' : 'out of date'}: building them.`);
      const nodeDir = await findNodeHeaders(findNpmTools().npmCli);
      const libraryFiles = await extractLibrary(source, record, layout, log);
      const ops = await buildFusedOps(layout, libraryFiles, nodeDir, backend, log);
      const { ops: _stale, ...rest } = previous;
      const updated: NativeBuildRecord = { ...rest, ...(ops !== undefined ? { ops } : {}) };
      await writeNativeManifest(request.nativeDir, { ...manifest, builds: { ...manifest.builds, [backend]: updated } });
      return { record: updated, rebuilt: ops !== undefined };
    }
    log(`a build from this library is there but does not load (${probe.error}): building again.`);
  }

  const missingTools = missingBuildTools();
  if (missingTools.length > 0) {
    throw new Error(`missing build tools: ${missingTools.join(', ')}. Install them (Debian/Ubuntu: apt-get install build-essential python3) and run this again.`);
  }
  const tools = findNpmTools();
  const nodeDir = await findNodeHeaders(tools.npmCli);
  log(`build tools: npm ${tools.npmCli}, node-gyp ${tools.nodeGyp}, Node.js headers in ${nodeDir}`);

  await fetchNativePackage({ layout, backend, npmCli: tools.npmCli, log });
  const libraryFiles = await extractLibrary(source, record, layout, log);

  log(`compiling the addon with node-gyp (output in ${layout.buildLog}) ...`);
  const compileStarted = performance.now();
  const addon = await buildAddon({ layout, nodeGyp: tools.nodeGyp, nodeDir });
  log(`  built ${addon.addonPath} in ${((performance.now() - compileStarted) / 1000).toFixed(0)} s`);
  const ops = await buildFusedOps(layout, libraryFiles, nodeDir, backend, log);

  log('checking that it loads and runs (in a separate process) ...');
  const probe = await probeNativeBackend(backend, { nativeDir: request.nativeDir, threads, packagePath: packageMain(layout, pkg) });
  if (!probe.importable) throw new Error(`the addon was built but does not load: ${probe.error}. Build log: ${layout.buildLog}`);
  if (backend === 'node-gpu' && probe.gpu !== true) {
    log('  warning: it loads, but TensorFlow found no GPU it can use (no device, or CUDA/cuDNN libraries missing): it will run on the CPU.');
  }
  const built: NativeBuildRecord = {
    package: pkg,
    packageVersion: TFJS_NODE_VERSION,
    tensorflowVersion: probe.tensorflowVersion ?? source.version ?? 'unknown',
    source: record,
    libraryFiles,
    addonPath: addon.addonPath,
    napiVersion: addon.napiVersion,
    nodeVersion: process.version,
    builtAt: new Date().toISOString(),
    buildSeconds: Math.round((performance.now() - started) / 100) / 10,
    ...(ops !== undefined ? { ops } : {}),
  };
  await writeNativeManifest(request.nativeDir, { ...manifest, builds: { ...manifest.builds, [backend]: built } });
  log(`done in ${built.buildSeconds.toFixed(0)} s: ${pkg} loads with TensorFlow ${built.tensorflowVersion}${probe.gpu === true ? ' (GPU)' : ''}.`);
  return { record: built, rebuilt: true };
};

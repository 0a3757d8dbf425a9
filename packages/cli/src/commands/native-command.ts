import { Command } from 'commander';
import { NATIVE_BUILDER_PACKAGE, type NativeBuilderModule } from '@kdlab/core';
import { findNativeDir, nativeBuildDir } from '@kdlab/core';
import { readNativeManifest, type NativeManifest } from '@kdlab/core';
import { NATIVE_OPS_VERSION, NATIVE_PACKAGES, type NativeBackendName, type NativeOpsRecord } from '@kdlab/core';
import { describeNativeThreads, resolveNativeThreads } from '@kdlab/core';
import { probeNativeBackend, type NativeProbeResult } from '@kdlab/core';
import { EXIT } from '../exit-codes.js';

/** Options of `kdlab native build`. */
interface BuildOptions {
  from?: string;
  gpu: boolean;
  dir?: string;
  force: boolean;
}

/** Options of `kdlab native status`. */
interface StatusOptions {
  threads?: string;
  dir?: string;
}

async function importBuilder(): Promise<NativeBuilderModule> {
  // A variable specifier: the builder is an optional package that the core does not depend on.
  const specifier: string = NATIVE_BUILDER_PACKAGE;
  try {
    return (await import(specifier)) as NativeBuilderModule;
  } catch (error) {
    if (/Cannot find (package|module)/.test((error as Error).message)) {
      throw new Error(`the native builder is a separate package: install it with \`npm install ${NATIVE_BUILDER_PACKAGE}\`, then run this command again.`);
    }
    throw error;
  }
}

async function buildAction(options: BuildOptions): Promise<number> {
  const err = process.stderr;
  const backend: NativeBackendName = options.gpu ? 'node-gpu' : 'node';
  try {
    const { buildNativeBackend } = await importBuilder();
    const outcome = await buildNativeBackend({
      backend,
      ...(options.from !== undefined ? { from: options.from } : {}),
      nativeDir: nativeBuildDir(options.dir !== undefined ? { nativeDir: options.dir } : {}),
      force: options.force,
      log: (line) => err.write(`${line}\n`),
    });
    const record = outcome.record;
    process.stdout.write(
      `${outcome.rebuilt ? 'built' : 'already built'}: ${record.package} ${record.packageVersion} against TensorFlow ${record.tensorflowVersion} (${record.source.kind} ${record.source.path})\n` +
        `use it with: kdlab run <experiment file> --backend ${backend}\n`,
    );
    return EXIT.ok;
  } catch (error) {
    err.write(`kdlab native build: ${(error as Error).message}\n`);
    return EXIT.runFailed;
  }
}

/** One line on kdlab's fused TensorFlow ops of a build: there and usable, of another version, or missing. */
function describeFusedOps(ops: NativeOpsRecord | undefined): string {
  if (ops === undefined) return 'kdlab fused ops: not built (run `kdlab native build`)';
  if (ops.version !== NATIVE_OPS_VERSION) return `kdlab fused ops: version ${ops.version}, this kdlab uses ${NATIVE_OPS_VERSION}: not used (run \`kdlab native build\`)`;
  return `kdlab fused ops: version ${ops.version}, ${ops.path}`;
}

function describeProbe(probe: NativeProbeResult, manifest: NativeManifest): string[] {
  const lines: string[] = [];
  const label = probe.backend.padEnd(9);
  if (probe.importable) {
    const device = probe.gpu === true ? 'GPU' : 'CPU only';
    lines.push(`${label}importable: ${probe.package} ${probe.packageVersion ?? ''}, TensorFlow ${probe.tensorflowVersion ?? '(version unknown)'} C library, ${device}`);
  } else {
    const hint = probe.backend === 'node-gpu' ? 'kdlab native build --gpu (needs a CUDA-enabled TensorFlow library)' : 'kdlab native build';
    lines.push(`${label}not importable: ${probe.error ?? 'unknown reason'}`, `${' '.repeat(9)}to build it: ${hint}`);
  }
  if (probe.path !== undefined) lines.push(`${' '.repeat(9)}loads from: ${probe.path}`);
  const record = probe.nativeDir !== undefined ? manifest.builds[probe.backend] : undefined;
  if (record !== undefined) {
    lines.push(
      `${' '.repeat(9)}built from: ${record.source.kind} ${record.source.path}`,
      `${' '.repeat(9)}built on ${record.builtAt} in ${record.buildSeconds.toFixed(0)} s for Node-API ${record.napiVersion} (Node ${record.nodeVersion})`,
      `${' '.repeat(9)}${describeFusedOps(record.ops)}`,
    );
  } else if (probe.path !== undefined && probe.nativeDir === undefined) {
    lines.push(`${' '.repeat(9)}installed with npm (not built by kdlab)`);
  }
  return lines;
}

async function statusAction(options: StatusOptions): Promise<number> {
  const out = process.stdout;
  let threads;
  try {
    threads = resolveNativeThreads(options.threads !== undefined ? { threads: options.threads } : {});
  } catch (error) {
    process.stderr.write(`kdlab native status: ${(error as Error).message}\n`);
    return EXIT.invalidInput;
  }
  const nativeDir = findNativeDir(options.dir !== undefined ? { nativeDir: options.dir } : {});
  let manifest: NativeManifest = { formatVersion: 1, builds: {} };
  const lines = [`native build folder: ${nativeDir ?? `none (\`kdlab native build\` makes ${nativeBuildDir(options.dir !== undefined ? { nativeDir: options.dir } : {})})`}`];
  if (nativeDir !== undefined) {
    try {
      manifest = await readNativeManifest(nativeDir);
    } catch (error) {
      lines.push(`manifest: ${(error as Error).message}`);
    }
  }
  lines.push(`threads: ${describeNativeThreads(threads)}, set as TF_NUM_INTRAOP_THREADS / TF_NUM_INTEROP_THREADS`);
  for (const backend of Object.keys(NATIVE_PACKAGES) as NativeBackendName[]) {
    lines.push(...describeProbe(await probeNativeBackend(backend, { nativeDir, threads }), manifest));
  }
  out.write(`${lines.join('\n')}\n`);
  return EXIT.ok;
}

/** The `kdlab native` command: builds the native TensorFlow backend from a local TensorFlow C library, and reports on it. */
export function nativeCommand(): Command {
  const native = new Command('native').description('Build the native TensorFlow backend (tfjs-node) against a TensorFlow C library on disk, and report on it');
  native
    .command('build')
    .description('Find a TensorFlow C library (a wheel, a libtensorflow tarball or folder), build @tensorflow/tfjs-node against it in .kdlab/native')
    .option('--from <path>', 'a TensorFlow wheel (.whl), a libtensorflow tarball (.tar.gz) or an unpacked folder (default: search pip caches and wheel folders)')
    .option('--gpu', 'build @tensorflow/tfjs-node-gpu (needs a CUDA-enabled TensorFlow library)', false)
    .option('--dir <dir>', 'the native build folder (default: $KDLAB_NATIVE_DIR or .kdlab/native)')
    .option('--force', 'rebuild even when an up-to-date build is there', false)
    .action(async (options: BuildOptions) => {
      process.exitCode = await buildAction(options);
    });
  native
    .command('status')
    .description('Say which native backends load, where their TensorFlow library came from, its version and the thread settings')
    .option('--threads <n>', 'intra-op threads to report and probe with (default: $KDLAB_THREADS, TF_NUM_* or the core count)')
    .option('--dir <dir>', 'the native build folder (default: $KDLAB_NATIVE_DIR or the nearest .kdlab/native)')
    .action(async (options: StatusOptions) => {
      process.exitCode = await statusAction(options);
    });
  return native;
}

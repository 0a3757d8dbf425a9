import { spawn } from 'node:child_process';
import { resolveNativePackage } from './load-native-package.js';
import { NATIVE_PACKAGES, type NativeBackendName } from './native-package.js';
import { quietTensorFlow } from './tensorflow-log.js';
import { applyNativeThreads, type NativeThreadSettings } from './native-threads.js';

/** What loading a native backend in a separate process showed. */
export interface NativeProbeResult {
  /** The backend probed. */
  backend: NativeBackendName;
  /** Its npm package. */
  package: string;
  /** Whether the package loaded and ran an op on the `tensorflow` backend. */
  importable: boolean;
  /** The file that was (or would be) loaded; undefined when the package is nowhere to be found. */
  path?: string;
  /** The native build folder it came from; undefined when installed the usual way or not found. */
  nativeDir?: string;
  /** The TensorFlow C library's version, as it reports it (`TF_Version()`). */
  tensorflowVersion?: string;
  /** The tfjs-node package version. */
  packageVersion?: string;
  /** Whether TensorFlow found a GPU it will use. */
  gpu?: boolean;
  /** Why it is not importable. */
  error?: string;
}

/** The marker before the probe's JSON line on the child's standard output. */
const PROBE_MARKER = 'KDLAB_NATIVE_PROBE ';

/** Loads the package in a fresh process, switches to its backend, runs one op and prints what it saw. */
const PROBE_SCRIPT = `
const file = process.argv[1];
const print = (result) => process.stdout.write(${JSON.stringify(PROBE_MARKER)} + JSON.stringify(result) + '\\n');
(async () => {
  const tf = require(file);
  if (!(await tf.setBackend('tensorflow'))) throw new Error('the "tensorflow" backend did not initialise');
  const sum = tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0];
  if (sum !== 3) throw new Error('1 + 2 gave ' + sum);
  const backend = tf.backend();
  print({ tensorflowVersion: backend.binding.TF_Version, gpu: backend.isUsingGpuDevice === true, packageVersion: tf.version['tfjs-node'] });
})().catch((error) => print({ error: String(error && error.message || error).split('\\n')[0] }));
`;

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join(' | ');
}

/**
 * Probes a native backend in a child process, so that a library that crashes on load or two native
 * packages that would clash in one process do no harm: finds its package (kdlab's `node_modules`, then
 * the native build folder), loads it with the given thread settings, switches to the `tensorflow`
 * backend and runs one op.
 *
 * @param backend - `node` or `node-gpu`.
 * @param options - The native build folder, the thread settings, the package's main file when it is
 *   known (to probe one build in particular), and a time limit (default 180 s: a cold load of the
 *   library reads close to 1 GB).
 */
export async function probeNativeBackend(
  backend: NativeBackendName,
  options: { nativeDir: string | undefined; threads: NativeThreadSettings; packagePath?: string; timeoutMs?: number },
): Promise<NativeProbeResult> {
  const pkg = NATIVE_PACKAGES[backend];
  const location = options.packagePath !== undefined ? { path: options.packagePath, nativeDir: options.nativeDir } : resolveNativePackage(pkg, options.nativeDir);
  if (location === undefined) {
    const where = options.nativeDir === undefined ? 'no native build folder' : `not built in ${options.nativeDir}`;
    return { backend, package: pkg, importable: false, error: `not installed (${where})` };
  }
  const env: Record<string, string | undefined> = { ...process.env };
  quietTensorFlow(env);
  applyNativeThreads(options.threads, env);
  const base = { backend, package: pkg, path: location.path, ...(location.nativeDir !== undefined ? { nativeDir: location.nativeDir } : {}) };
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, ['-e', PROBE_SCRIPT, location.path], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 180_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((candidate) => candidate.startsWith(PROBE_MARKER));
      if (line === undefined) {
        const how = signal !== null ? `was killed (${signal})` : `exited with code ${code}`;
        resolvePromise({ ...base, importable: false, error: `the probe process ${how} before reporting: ${lastLines(stderr, 3) || 'no output'}` });
        return;
      }
      const seen = JSON.parse(line.slice(PROBE_MARKER.length)) as { error?: string; tensorflowVersion?: string; gpu?: boolean; packageVersion?: string };
      resolvePromise(seen.error !== undefined ? { ...base, importable: false, error: seen.error } : { ...base, importable: true, ...seen });
    });
  });
}

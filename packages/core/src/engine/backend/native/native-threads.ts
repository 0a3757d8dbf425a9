import { availableParallelism } from 'node:os';

/** kdlab's own thread-count variable: the intra-op threads of the native backend (inter-op follows from it). */
export const THREADS_VARIABLE = 'KDLAB_THREADS';

/** The variable the TensorFlow C library reads for its intra-op thread pool (threads within one op). */
export const INTRA_OP_VARIABLE = 'TF_NUM_INTRAOP_THREADS';

/** The variable the TensorFlow C library reads for its inter-op thread pool (ops run side by side). */
export const INTER_OP_VARIABLE = 'TF_NUM_INTEROP_THREADS';

/** Where a thread setting came from, from the most to the least specific. */
export type NativeThreadOrigin = '--threads' | 'KDLAB_THREADS' | 'TF_NUM_*_THREADS' | 'cores';

/** The thread pools the TensorFlow C library is told to use. */
export interface NativeThreadSettings {
  /** Threads that split one op (a matMul, a convolution). */
  intraOp: number;
  /** Threads that run independent ops at the same time. */
  interOp: number;
  /** Where the numbers came from. */
  origin: NativeThreadOrigin;
}

/** What the thread settings are resolved from. */
export interface NativeThreadRequest {
  /** `--threads`: intra-op threads asked for on the command line (a number, or its text). */
  threads?: number | string;
  /** Where `KDLAB_THREADS` and the `TF_NUM_*` variables are read; defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The cores this process may use; defaults to `os.availableParallelism()`. */
  cores?: number;
}

/**
 * Parses a thread count; throws naming where it came from unless it is a positive integer.
 *
 * @param value - The text (or number) to parse.
 * @param origin - Where it came from (`--threads`, `KDLAB_THREADS`, ...), for the error.
 */
export function parseThreadCount(value: number | string, origin: string): number {
  const count = typeof value === 'number' ? value : Number(value.trim());
  if (!Number.isInteger(count) || count < 1 || (typeof value === 'string' && value.trim() === '')) {
    throw new Error(`${origin}: expected a positive whole number of threads, got "${value}".`);
  }
  return count;
}

/**
 * The inter-op threads that go with a number of intra-op threads. tfjs-node runs one op at a time
 * (eager, synchronous), so the inter-op pool has little to do: two threads at most.
 *
 * @param intraOp - The intra-op thread count.
 */
export function interOpThreadsFor(intraOp: number): number {
  return Math.min(2, intraOp);
}

function present(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

/**
 * The thread settings for the native backend: `--threads`, else `KDLAB_THREADS`, else the
 * `TF_NUM_INTRAOP_THREADS` / `TF_NUM_INTEROP_THREADS` already in the environment, else one intra-op
 * thread per available core.
 *
 * tfjs-node creates its TensorFlow context with default options (its addon sets no session or
 * thread options), so these two environment variables, read by the TensorFlow C library when its
 * first context is made, are the only way to size its thread pools.
 *
 * @param request - The command-line value, the environment and the core count.
 */
export function resolveNativeThreads(request: NativeThreadRequest = {}): NativeThreadSettings {
  const env = request.env ?? process.env;
  const cores = Math.max(1, request.cores ?? availableParallelism());
  if (request.threads !== undefined && request.threads !== '') {
    const intraOp = parseThreadCount(request.threads, '--threads');
    return { intraOp, interOp: interOpThreadsFor(intraOp), origin: '--threads' };
  }
  const kdlabThreads = env[THREADS_VARIABLE];
  if (present(kdlabThreads)) {
    const intraOp = parseThreadCount(kdlabThreads, THREADS_VARIABLE);
    return { intraOp, interOp: interOpThreadsFor(intraOp), origin: 'KDLAB_THREADS' };
  }
  const intraText = env[INTRA_OP_VARIABLE];
  const interText = env[INTER_OP_VARIABLE];
  if (present(intraText) || present(interText)) {
    const intraOp = present(intraText) ? parseThreadCount(intraText, INTRA_OP_VARIABLE) : cores;
    const interOp = present(interText) ? parseThreadCount(interText, INTER_OP_VARIABLE) : interOpThreadsFor(intraOp);
    return { intraOp, interOp, origin: 'TF_NUM_*_THREADS' };
  }
  return { intraOp: cores, interOp: interOpThreadsFor(cores), origin: 'cores' };
}

/**
 * Puts the thread settings where the TensorFlow C library reads them. Must run before the native
 * package loads: the library reads the variables once, when tfjs-node creates its context.
 *
 * @param settings - The resolved settings.
 * @param env - The environment to write; defaults to `process.env` (which the library's `getenv` sees).
 */
export function applyNativeThreads(settings: NativeThreadSettings, env: Record<string, string | undefined> = process.env): void {
  env[INTRA_OP_VARIABLE] = String(settings.intraOp);
  env[INTER_OP_VARIABLE] = String(settings.interOp);
}

/**
 * A short description for logs and run tags, e.g. `2 intra-op / 1 inter-op threads (from cores)`.
 *
 * @param settings - The settings to describe.
 */
export function describeNativeThreads(settings: NativeThreadSettings): string {
  return `${settings.intraOp} intra-op / ${settings.interOp} inter-op threads (from ${settings.origin})`;
}

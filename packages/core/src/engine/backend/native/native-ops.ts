import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { FUSED_KERNELS, type FusedKernelName } from '../../fused-kernels.js';
import type { NativeOpsRecord } from './native-manifest.js';
import { rawBackend, type RawAttribute, type RawBackend } from './tensorflow-raw-ops.js';

/** The version of kdlab's fused TensorFlow ops this kdlab uses (`KDLAB_OPS_VERSION` in `@kdlab/native`'s `ops/kdlab_ops.cc`). */
export const NATIVE_OPS_VERSION = 4;

/** What the ops addon's `register()` answers. */
interface RegisteredOps {
  version: number;
  ops: string[];
}

/** The fused ops in use in this process, or why not. */
export interface NativeOpsStatus {
  /** The fused kernels registered for tfjs-node (empty when none). */
  kernels: FusedKernelName[];
  /** Why there are none (no build, an old build, a load failure); undefined when they are in use. */
  reason?: string;
}

/** The tfjs kernel that runs TensorFlow op `op` (kdlab's) on the inputs `inputNames`, with float attributes `floatAttributes` and integer ones `intAttributes`. */
function kernelFor(op: FusedKernelName, inputNames: readonly string[], outputs: number, floatAttributes: readonly string[] = [], intAttributes: readonly string[] = []): tf.KernelConfig {
  return {
    kernelName: op,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const raw: RawBackend = rawBackend(backend);
      const infos = inputNames.map((name) => {
        const info = inputs[name];
        if (info === undefined) throw new Error(`${op}: input "${name}" is missing.`);
        if (info.dtype !== 'float32') throw new Error(`${op}: input "${name}" is ${info.dtype}, not float32.`);
        return info;
      });
      const attributes: RawAttribute[] = [
        ...floatAttributes.map((name) => ({ name, type: raw.binding.TF_ATTR_FLOAT, value: Number(attrs?.[name]) })),
        ...intAttributes.map((name) => ({ name, type: raw.binding.TF_ATTR_INT, value: Number(attrs?.[name]) })),
      ];
      const results = raw.binding.executeOp(op, attributes, raw.getInputTensorIds(infos), outputs).map((output) => raw.createOutputTensor(output));
      return outputs === 1 ? results[0]! : results;
    },
  };
}

const KERNELS: Record<FusedKernelName, tf.KernelConfig> = {
  [FUSED_KERNELS.gelu]: kernelFor(FUSED_KERNELS.gelu, ['x'], 1),
  [FUSED_KERNELS.layerNorm]: kernelFor(FUSED_KERNELS.layerNorm, ['x', 'gamma', 'beta'], 3, ['epsilon']),
  [FUSED_KERNELS.geluGrad]: kernelFor(FUSED_KERNELS.geluGrad, ['dy', 'x'], 1),
  [FUSED_KERNELS.layerNormGrad]: kernelFor(FUSED_KERNELS.layerNormGrad, ['dy', 'centered', 'variance', 'gamma'], 3, ['epsilon']),
  [FUSED_KERNELS.softmaxGrad]: kernelFor(FUSED_KERNELS.softmaxGrad, ['dy', 'y'], 1),
  [FUSED_KERNELS.splitHeads]: kernelFor(FUSED_KERNELS.splitHeads, ['x', 'bias'], 1, [], ['heads', 'seq']),
  [FUSED_KERNELS.splitHeadsGrad]: kernelFor(FUSED_KERNELS.splitHeadsGrad, ['dy'], 2, [], ['heads', 'seq']),
};

let status: NativeOpsStatus | undefined;

/**
 * Loads kdlab's fused TensorFlow ops (the addon `kdlab native build` compiled beside tfjs-node),
 * registers them in TensorFlow's op registry (the addon links the same TensorFlow framework library
 * as tfjs-node's), and registers a tfjs kernel for each on the `tensorflow` backend. Once per process;
 * later calls answer the first one's result. Never throws: without a build, with a build of another
 * version, when it does not load, or when `KDLAB_FUSED_OPS=0`, no kernel is registered and the reason
 * is answered (the ops that would use them compute the same gradients from plain tfjs kernels).
 *
 * @param record - the manifest's record of the ops build, if any.
 * @param missing - why there is no record, when there is none (default: not built yet).
 */
export function loadNativeOps(record: NativeOpsRecord | undefined, missing = 'not built (run `kdlab native build`)'): NativeOpsStatus {
  if (status !== undefined) return status;
  status = registerNativeOps(record, missing);
  return status;
}

/** The environment variable that turns the fused ops off (`0`): tfjs-node then runs its stock kernels only. */
export const FUSED_OPS_VARIABLE = 'KDLAB_FUSED_OPS';

function registerNativeOps(record: NativeOpsRecord | undefined, missing: string): NativeOpsStatus {
  if (process.env[FUSED_OPS_VARIABLE] === '0') return { kernels: [], reason: `turned off (${FUSED_OPS_VARIABLE}=0)` };
  if (record === undefined) return { kernels: [], reason: missing };
  if (record.version !== NATIVE_OPS_VERSION) return { kernels: [], reason: `built at version ${record.version}, this kdlab uses ${NATIVE_OPS_VERSION} (run \`kdlab native build\`)` };
  let registered: RegisteredOps;
  try {
    const addon = createRequire(import.meta.url)(record.path) as { register(): RegisteredOps };
    registered = addon.register();
  } catch (error) {
    return { kernels: [], reason: `${record.path} did not load (${(error as Error).message.split('\n')[0]}; run \`kdlab native build --force\`)` };
  }
  if (registered.version !== NATIVE_OPS_VERSION) return { kernels: [], reason: `${record.path} is version ${registered.version}, this kdlab uses ${NATIVE_OPS_VERSION} (run \`kdlab native build\`)` };
  const kernels = (Object.keys(KERNELS) as FusedKernelName[]).filter((name) => registered.ops.includes(name));
  for (const name of kernels) if (tf.getKernel(name, 'tensorflow') === undefined) tf.registerKernel(KERNELS[name]);
  return { kernels };
}

/** What {@link loadNativeOps} found in this process; undefined before tfjs-node is selected. */
export function nativeOpsStatus(): NativeOpsStatus | undefined {
  return status;
}

/** Removes the fused kernels from the `tensorflow` backend (for tests); {@link restoreNativeOps} puts them back. */
export function unregisterNativeOps(): void {
  for (const name of status?.kernels ?? []) if (tf.getKernel(name, 'tensorflow') !== undefined) tf.unregisterKernel(name, 'tensorflow');
}

/** Registers again the fused kernels {@link unregisterNativeOps} removed. */
export function restoreNativeOps(): void {
  for (const name of status?.kernels ?? []) if (tf.getKernel(name, 'tensorflow') === undefined) tf.registerKernel(KERNELS[name]);
}

import type { BackendName } from '../backend-name.js';

/** The kdlab backends served by a native TensorFlow.js package: `node` and `node-gpu`. */
export type NativeBackendName = Extract<BackendName, 'node' | 'node-gpu'>;

/** The npm package behind each native backend. */
export const NATIVE_PACKAGES: NativePackages = {
  node: '@tensorflow/tfjs-node',
  'node-gpu': '@tensorflow/tfjs-node-gpu',
};

/** The npm package behind each native backend. */
export interface NativePackages {
  /** The CPU backend's package. */
  readonly node: '@tensorflow/tfjs-node';
  /** The GPU backend's package. */
  readonly 'node-gpu': '@tensorflow/tfjs-node-gpu';
}

/** The npm name of a native TensorFlow.js package. */
export type NativePackageName = NativePackages[NativeBackendName];

/** The version of `@tensorflow/tfjs-node(-gpu)` kdlab builds and expects: the same as its other tfjs packages. */
export const TFJS_NODE_VERSION = '4.22.0';

import type { NativeBuildRecord } from './native-manifest.js';
import type { NativeBackendName } from './native-package.js';

/** The package that builds native backends (`kdlab native build`); optional, loaded only by that command. */
export const NATIVE_BUILDER_PACKAGE = '@kdlab/native';

/** What `kdlab native build` asks the builder for. */
export interface NativeBuildRequest {
  /** The backend to build: `node` (CPU) or `node-gpu` (needs a CUDA-enabled TensorFlow library). */
  backend: NativeBackendName;
  /** A wheel, libtensorflow tarball or unpacked folder to build against; searched for when undefined. */
  from?: string;
  /** The native build folder to build in (`.kdlab/native`). */
  nativeDir: string;
  /** Rebuild even when the folder already holds a build from the same source. */
  force: boolean;
  /** Receives one line per step: what was found where, what is missing, what to do. */
  log: (line: string) => void;
}

/** What the builder did. */
export interface NativeBuildOutcome {
  /** The build now in the folder (also written to its manifest). */
  record: NativeBuildRecord;
  /** False when an up-to-date build from the same source was already there and nothing was done. */
  rebuilt: boolean;
}

/** Builds (or finds already built) a native backend; throws with a message that says what to do. */
export type BuildNativeBackend = (request: NativeBuildRequest) => Promise<NativeBuildOutcome>;

/** What kdlab expects `@kdlab/native` to export. */
export interface NativeBuilderModule {
  /** The builder. */
  buildNativeBackend: BuildNativeBackend;
}

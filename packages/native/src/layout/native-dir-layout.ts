import { join } from 'node:path';
import { NATIVE_PACKAGES, type NativeBackendName } from '@kdlab/core';

/** Where everything of one native backend's build lives in the native build folder. */
export interface NativeDirLayout {
  /** The native build folder (`.kdlab/native`). */
  nativeDir: string;
  /** Its `package.json`: the npm project the tfjs-node packages are installed into. */
  packageJson: string;
  /** The installed package's folder (`node_modules/@tensorflow/tfjs-node`). */
  packageDir: string;
  /**
   * The package's `deps` folder, where its `binding.gyp` looks for headers (`deps/include`) and
   * libraries (`deps/lib`, also the addon's run-time search path `$ORIGIN/../../deps/lib`): a link
   * to {@link NativeDirLayout.libraryDir}.
   */
  depsLink: string;
  /**
   * The extracted TensorFlow library (`libtensorflow/<backend>`, with `lib/` and `include/`), kept
   * outside `node_modules` so that a later npm install cannot remove it.
   */
  libraryDir: string;
  /** What {@link NativeDirLayout.libraryDir} was extracted from (to skip extracting it again). */
  libraryStamp: string;
  /** node-gyp's full output. */
  buildLog: string;
}

/**
 * The layout of a native build folder for one backend.
 *
 * @param nativeDir - The native build folder.
 * @param backend - `node` or `node-gpu`.
 */
export function nativeDirLayout(nativeDir: string, backend: NativeBackendName): NativeDirLayout {
  const packageDir = join(nativeDir, 'node_modules', ...NATIVE_PACKAGES[backend].split('/'));
  const libraryDir = join(nativeDir, 'libtensorflow', backend);
  return {
    nativeDir,
    packageJson: join(nativeDir, 'package.json'),
    packageDir,
    depsLink: join(packageDir, 'deps'),
    libraryDir,
    libraryStamp: join(libraryDir, 'source.json'),
    buildLog: join(nativeDir, 'logs', `${backend}-build.log`),
  };
}

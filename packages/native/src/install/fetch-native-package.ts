import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { NATIVE_PACKAGES, TFJS_NODE_VERSION, type NativeBackendName } from '@kdlab/core';
import type { NativeDirLayout } from '../layout/native-dir-layout.js';
import { runLogged } from '../toolchain/run-logged.js';

/** The `package.json` of the npm project in the native build folder. */
interface NativeProjectJson {
  name: string;
  private: true;
  description: string;
  dependencies: Record<string, string>;
}

/**
 * Whether the package is installed in the build folder at the expected version, with the
 * dependencies its addon loader needs (`@mapbox/node-pre-gyp`, `@tensorflow/tfjs`).
 *
 * @param layout - The build folder's layout.
 */
export async function isNativePackageInstalled(layout: NativeDirLayout): Promise<boolean> {
  const manifest = join(layout.packageDir, 'package.json');
  if (!existsSync(manifest)) return false;
  const { version } = JSON.parse(await readFile(manifest, 'utf8')) as { version?: string };
  if (version !== TFJS_NODE_VERSION) return false;
  const fromPackage = createRequire(manifest);
  try {
    fromPackage.resolve('@mapbox/node-pre-gyp');
    fromPackage.resolve('@tensorflow/tfjs');
    return true;
  } catch {
    return false;
  }
}

/**
 * Installs `@tensorflow/tfjs-node(-gpu)` at kdlab's tfjs version into the native build folder with
 * npm, from the npm registry npm is configured for, WITHOUT its install script (which would download
 * libtensorflow from Google's storage). Keeps the other native package listed when both are built.
 * Does nothing when it is already there.
 *
 * @param request - The layout, the backend, npm's script, the log.
 */
export async function fetchNativePackage(request: { layout: NativeDirLayout; backend: NativeBackendName; npmCli: string; log: (line: string) => void }): Promise<void> {
  const { layout, backend, log } = request;
  const pkg = NATIVE_PACKAGES[backend];
  if (await isNativePackageInstalled(layout)) {
    log(`${pkg}@${TFJS_NODE_VERSION}: already installed in ${layout.nativeDir}`);
    return;
  }
  await mkdir(layout.nativeDir, { recursive: true });
  let dependencies: Record<string, string> = {};
  if (existsSync(layout.packageJson)) dependencies = (JSON.parse(await readFile(layout.packageJson, 'utf8')) as Partial<NativeProjectJson>).dependencies ?? {};
  const project: NativeProjectJson = {
    name: 'kdlab-native-build',
    private: true,
    description: 'Made by `kdlab native build`: tfjs-node built against a local TensorFlow C library. Safe to delete; never commit.',
    dependencies: { ...dependencies, [pkg]: TFJS_NODE_VERSION },
  };
  await writeFile(layout.packageJson, `${JSON.stringify(project, null, 2)}\n`);
  log(`fetching ${pkg}@${TFJS_NODE_VERSION} and its dependencies from the npm registry into ${layout.nativeDir} (install scripts not run: nothing is downloaded from elsewhere) ...`);
  await runLogged(process.execPath, [request.npmCli, 'install', '--ignore-scripts', '--no-audit', '--no-fund', '--omit=dev', '--prefix', layout.nativeDir], {
    cwd: layout.nativeDir,
    logFile: layout.buildLog,
    step: `npm install ${pkg}@${TFJS_NODE_VERSION}`,
  });
  if (!(await isNativePackageInstalled(layout))) throw new Error(`npm install finished, but ${pkg}@${TFJS_NODE_VERSION} is not complete in ${layout.nativeDir}: see ${layout.buildLog}.`);
}

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { NativeDirLayout } from '../layout/native-dir-layout.js';
import { addonModuleDir, chooseNapiBuildVersion, nodeGypArguments, type AddonBinaryField } from '../layout/gyp-settings.js';
import { runLogged } from '../toolchain/run-logged.js';

/** The built addon. */
export interface BuiltAddon {
  /** The `.node` file, where node-pre-gyp's `find` looks for it. */
  addonPath: string;
  /** The Node-API version it was built for. */
  napiVersion: number;
}

/** What to build: the package's `binary` field, the Node-API version, and where the addon will be. */
export interface AddonTarget {
  /** The package's `binary` field. */
  binary: AddonBinaryField;
  /** The Node-API version to build for. */
  napiVersion: number;
  /** Where the built addon will be. */
  addonPath: string;
}

/**
 * The addon's `binary` field and the Node-API version to build for.
 *
 * @param packageDir - The tfjs-node package folder.
 */
export async function addonTarget(packageDir: string): Promise<AddonTarget> {
  const { binary } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { binary?: AddonBinaryField };
  if (binary === undefined) throw new Error(`${join(packageDir, 'package.json')}: no "binary" field (is this tfjs-node?).`);
  const napiVersion = chooseNapiBuildVersion(binary.napi_versions, Number(process.versions.napi));
  return { binary, napiVersion, addonPath: join(addonModuleDir(packageDir, binary, napiVersion), `${binary.module_name}.node`) };
}

/**
 * Compiles tfjs-node's addon with npm's node-gyp, as node-pre-gyp would (`rebuild` with the module
 * name, folder and Node-API version as gyp variables), against the library in `deps/` and the local
 * Node.js headers. The output goes to the build log.
 *
 * @param request - The layout, node-gyp's script, the Node.js headers folder.
 */
export async function buildAddon(request: { layout: NativeDirLayout; nodeGyp: string; nodeDir: string | undefined }): Promise<BuiltAddon> {
  const { layout } = request;
  const { binary, napiVersion, addonPath } = await addonTarget(layout.packageDir);
  const args = nodeGypArguments({
    napiVersion,
    moduleName: binary.module_name,
    moduleDir: addonModuleDir(layout.packageDir, binary, napiVersion),
    ...(request.nodeDir !== undefined ? { nodeDir: request.nodeDir } : {}),
    jobs: Math.max(1, Math.min(2, availableParallelism())),
  });
  await runLogged(process.execPath, [request.nodeGyp, ...args], { cwd: layout.packageDir, logFile: layout.buildLog, step: 'node-gyp rebuild' });
  if (!existsSync(addonPath)) throw new Error(`node-gyp finished but ${addonPath} is missing: see ${layout.buildLog}.`);
  return { addonPath, napiVersion };
}

import { join } from 'node:path';

/** What tfjs-node's `package.json` says about its addon (its `binary` field, read by node-pre-gyp). */
export interface AddonBinaryField {
  /** The addon's name: `tfjs_binding`. */
  module_name: string;
  /** Where the addon goes, relative to the package: `./lib/napi-v{napi_build_version}`. */
  module_path: string;
  /** The Node-API versions the addon can be built for. */
  napi_versions: number[];
}

/**
 * The Node-API version to build for: the highest the package lists that this Node supports, which
 * is also the folder node-pre-gyp's `find` (called by tfjs-node when it loads) looks in.
 *
 * @param packageVersions - The package's `binary.napi_versions`.
 * @param nodeNapiVersion - `process.versions.napi`.
 */
export function chooseNapiBuildVersion(packageVersions: readonly number[], nodeNapiVersion: number): number {
  const usable = packageVersions.filter((version) => version <= nodeNapiVersion);
  if (usable.length === 0) {
    throw new Error(`the addon supports Node-API ${packageVersions.join(', ')}, and this Node.js offers only Node-API ${nodeNapiVersion}: use a newer Node.js.`);
  }
  return Math.max(...usable);
}

/**
 * The absolute folder the built addon must end up in.
 *
 * @param packageDir - The tfjs-node package folder.
 * @param binary - Its `binary` field.
 * @param napiVersion - The Node-API version built for.
 */
export function addonModuleDir(packageDir: string, binary: AddonBinaryField, napiVersion: number): string {
  return join(packageDir, binary.module_path.replace('{napi_build_version}', String(napiVersion)));
}

/**
 * The arguments for npm's node-gyp, given as node-pre-gyp would: `binding.gyp` reads
 * `module_name`, `module_path` and `napi_build_version` as gyp variables, which node-gyp takes from
 * unknown `--name=value` options. `--nodedir` points it at local Node.js headers so that it never
 * downloads them.
 *
 * @param settings - Node-API version, module name and folder, headers folder, parallel compile jobs.
 */
export function nodeGypArguments(settings: { napiVersion: number; moduleName: string; moduleDir: string; nodeDir?: string; jobs: number }): string[] {
  return [
    'rebuild',
    `--napi_build_version=${settings.napiVersion}`,
    `--module_name=${settings.moduleName}`,
    `--module_path=${settings.moduleDir}`,
    ...(settings.nodeDir !== undefined ? [`--nodedir=${settings.nodeDir}`] : []),
    `--jobs=${settings.jobs}`,
  ];
}

/**
 * The first folder that holds the Node.js headers node-gyp needs (`include/node/node_api.h` and
 * `include/node/common.gypi`); undefined when none does.
 *
 * @param candidates - Folders to try, in order.
 * @param exists - Tells whether a path exists.
 */
export function chooseNodeHeadersDir(candidates: readonly (string | undefined)[], exists: (path: string) => boolean): string | undefined {
  return candidates.find(
    (folder): folder is string =>
      folder !== undefined && folder !== '' && exists(join(folder, 'include', 'node', 'node_api.h')) && exists(join(folder, 'include', 'node', 'common.gypi')),
  );
}

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { chooseNodeHeadersDir } from '../layout/gyp-settings.js';

async function npmConfiguredNodeDir(npmCli: string): Promise<string | undefined> {
  return new Promise((resolvePromise) => {
    execFile(process.execPath, [npmCli, 'config', 'get', 'nodedir'], { timeout: 30_000 }, (error, stdout) => {
      const value = stdout.trim();
      resolvePromise(error !== null || value === '' || value === 'undefined' || value === 'null' ? undefined : value);
    });
  });
}

/**
 * The folders that may hold this Node's headers, in the order node-gyp would prefer them: npm's
 * `nodedir` setting (environment, then npm's config), the prefix Node was built with, the prefix of
 * this Node's executable, and node-gyp's own header cache.
 *
 * @param npmCli - npm's script, to read its `nodedir` setting.
 */
export async function nodeHeadersCandidates(npmCli: string): Promise<string[]> {
  const variables = (process.config.variables ?? {}) as { node_prefix?: string };
  return [
    process.env['npm_config_nodedir'],
    await npmConfiguredNodeDir(npmCli),
    variables.node_prefix,
    dirname(dirname(process.execPath)),
    join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'node-gyp', process.versions.node),
  ].filter((folder): folder is string => folder !== undefined && folder !== '');
}

/**
 * Finds this Node's headers on disk, so that node-gyp need not download them from nodejs.org. Throws
 * saying where it looked and what to install when there are none.
 *
 * @param npmCli - npm's script.
 */
export async function findNodeHeaders(npmCli: string): Promise<string> {
  const candidates = await nodeHeadersCandidates(npmCli);
  const found = chooseNodeHeadersDir(candidates, existsSync);
  if (found === undefined) {
    throw new Error(
      `the Node.js ${process.version} headers are not on this machine (looked for include/node/node_api.h and common.gypi under: ${[...new Set(candidates)].join(', ')}), ` +
        'and node-gyp would try to download them from nodejs.org. Install them (the NodeSource "nodejs" package ships them; Debian: libnode-dev), ' +
        'or copy a Node.js headers tarball for this exact version to this machine and set npm_config_nodedir to its folder.',
    );
  }
  return found;
}

import { existsSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/** npm's own command-line script and the node-gyp bundled with it. */
export interface NpmTools {
  /** `npm-cli.js`, run with this Node. */
  npmCli: string;
  /** npm's bundled `node-gyp.js`, run with this Node. */
  nodeGyp: string;
}

/** Where to look for the tools. */
export interface NpmToolsContext {
  /** The environment (`npm_execpath`, `npm_config_node_gyp`, `PATH`). */
  env: Readonly<Record<string, string | undefined>>;
  /** This Node's executable. */
  execPath: string;
  /** Tells whether a path exists. */
  exists: (path: string) => boolean;
  /** Resolves links (an `npm` on the PATH is usually a link to `npm-cli.js`). */
  realpath: (path: string) => string;
}

/**
 * Candidate `npm-cli.js` paths, most specific first: the npm running kdlab (`npm_execpath`), the npm
 * beside this Node, the `npm` on the PATH, the usual global and Debian locations.
 *
 * @param context - Environment, Node executable, file-system probes.
 */
export function npmCliCandidates(context: NpmToolsContext): string[] {
  const { env, execPath } = context;
  const fromPath = (env['PATH'] ?? '')
    .split(delimiter)
    .filter((folder) => folder !== '')
    .map((folder) => join(folder, 'npm'))
    .filter((path) => context.exists(path))
    .map((path) => {
      try {
        return context.realpath(path);
      } catch {
        return path;
      }
    });
  const nodeBin = dirname(execPath);
  return [
    ...(env['npm_execpath'] !== undefined && /npm-cli\.c?js$/.test(env['npm_execpath']) ? [env['npm_execpath']] : []),
    join(nodeBin, '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    join(nodeBin, 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    ...fromPath.filter((path) => path.endsWith('.js')),
    '/usr/lib/node_modules/npm/bin/npm-cli.js',
    '/usr/local/lib/node_modules/npm/bin/npm-cli.js',
    '/usr/share/nodejs/npm/bin/npm-cli.js',
  ];
}

/**
 * Finds npm and its bundled node-gyp (`npm_config_node_gyp` wins when npm runs kdlab). Throws saying
 * where it looked when either is missing.
 *
 * @param context - Environment, Node executable, file-system probes (default: the real ones).
 */
export function findNpmTools(context: Partial<NpmToolsContext> = {}): NpmTools {
  const full: NpmToolsContext = {
    env: context.env ?? process.env,
    execPath: context.execPath ?? process.execPath,
    exists: context.exists ?? existsSync,
    realpath: context.realpath ?? realpathSync,
  };
  const npmCandidates = npmCliCandidates(full);
  const npmCli = npmCandidates.find((path) => full.exists(path));
  if (npmCli === undefined) throw new Error(`npm not found (looked for npm-cli.js at: ${[...new Set(npmCandidates)].join(', ')}). Install npm with Node.js.`);
  const gypCandidates = [
    full.env['npm_config_node_gyp'],
    join(dirname(npmCli), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    '/usr/share/nodejs/node-gyp/bin/node-gyp.js',
  ].filter((path): path is string => path !== undefined && path !== '');
  const nodeGyp = gypCandidates.find((path) => full.exists(path));
  if (nodeGyp === undefined) throw new Error(`node-gyp not found (npm bundles it; looked at: ${gypCandidates.join(', ')}). Reinstall npm, or install node-gyp (Debian: apt-get install node-gyp).`);
  return { npmCli, nodeGyp };
}

import { describe, expect, it } from 'vitest';
import { findNpmTools, missingBuildTools } from '../src/index.js';

describe("finding npm's node-gyp", () => {
  const context = (present: string[], env: Record<string, string> = {}) => ({
    env,
    execPath: '/opt/node/bin/node',
    exists: (path: string) => present.includes(path),
    realpath: (path: string) => (path === '/usr/bin/npm' ? '/usr/lib/node_modules/npm/bin/npm-cli.js' : path),
  });

  it('uses the npm beside this Node and the node-gyp bundled with it', () => {
    const present = ['/opt/node/lib/node_modules/npm/bin/npm-cli.js', '/opt/node/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'];
    expect(findNpmTools(context(present))).toEqual({ npmCli: present[0], nodeGyp: present[1] });
  });

  it('follows the npm on the PATH, and prefers the node-gyp npm names when npm runs kdlab', () => {
    const present = ['/usr/bin/npm', '/usr/lib/node_modules/npm/bin/npm-cli.js', '/custom/node-gyp.js'];
    expect(findNpmTools(context(present, { PATH: '/usr/bin', npm_config_node_gyp: '/custom/node-gyp.js' }))).toEqual({
      npmCli: '/usr/lib/node_modules/npm/bin/npm-cli.js',
      nodeGyp: '/custom/node-gyp.js',
    });
  });

  it('says where it looked when npm or node-gyp is missing', () => {
    expect(() => findNpmTools(context([]))).toThrow(/^npm not found \(looked for npm-cli\.js at: \/opt\/node\/lib\/node_modules\/npm\/bin\/npm-cli\.js, /);
    expect(() => findNpmTools(context(['/opt/node/lib/node_modules/npm/bin/npm-cli.js']))).toThrow(/^node-gyp not found \(npm bundles it; looked at: .*\)\. Reinstall npm/);
  });
});

it('names the build tools missing from the PATH', () => {
  const present = new Set(['/usr/bin/make', '/usr/bin/python3']);
  const exists = (path: string): boolean => present.has(path);
  expect(missingBuildTools({ PATH: '/usr/bin' }, exists)).toEqual(['a C++ compiler']);
  expect(missingBuildTools({ PATH: '/usr/bin', CXX: '/opt/clang/bin/clang++' }, (path) => exists(path) || path === '/opt/clang/bin/clang++')).toEqual([]);
  expect(missingBuildTools({ PATH: '' }, exists)).toEqual(['make', 'a C++ compiler', 'Python 3 (for gyp)']);
});

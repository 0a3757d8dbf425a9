import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A program the addon build needs, with the names it may go by. */
interface BuildTool {
  /** What it is, for messages. */
  what: string;
  /** Executable names, any of which will do. */
  names: string[];
}

/** What node-gyp needs on Linux: make, a C++ compiler, and Python for gyp. */
const BUILD_TOOLS: BuildTool[] = [
  { what: 'make', names: ['make'] },
  { what: 'a C++ compiler', names: ['c++', 'g++', 'clang++'] },
  { what: 'Python 3 (for gyp)', names: ['python3', 'python'] },
];

/**
 * The build tools missing from the PATH (empty when all are there). `CXX` and `PYTHON` count when set.
 *
 * @param env - The environment (`PATH`, `CXX`, `PYTHON`).
 * @param exists - Tells whether a path exists.
 */
export function missingBuildTools(env: Readonly<Record<string, string | undefined>> = process.env, exists: (path: string) => boolean = existsSync): string[] {
  const folders = (env['PATH'] ?? '').split(delimiter).filter((folder) => folder !== '');
  const onPath = (name: string): boolean => (name.includes('/') ? exists(name) : folders.some((folder) => exists(join(folder, name))));
  return BUILD_TOOLS.filter((tool) => {
    const override = tool.what.startsWith('a C++') ? env['CXX'] : tool.what.startsWith('Python') ? env['PYTHON'] : undefined;
    return !(override !== undefined && onPath(override)) && !tool.names.some(onPath);
  }).map((tool) => tool.what);
}

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The addon's C++ sources and headers (`binding/*.cc`, `binding/*.h`) by file name, to learn which
 * TensorFlow headers it includes.
 *
 * @param packageDir - The tfjs-node package folder.
 */
export async function readAddonSources(packageDir: string): Promise<Map<string, string>> {
  const folder = join(packageDir, 'binding');
  const names = (await readdir(folder)).filter((name) => /\.(cc|cpp|h|hpp)$/.test(name));
  if (names.length === 0) throw new Error(`${folder}: no addon sources (is the package complete?).`);
  return new Map(await Promise.all(names.map(async (name) => [name, await readFile(join(folder, name), 'utf8')] as const)));
}

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Every file under a run's artifacts folder, as run-relative `/`-separated paths, sorted; none
 * when the folder does not exist. (The local tracker writes artifacts through temporary files in
 * the store root, so the folder holds only whole files.)
 *
 * @param folder - The run's `artifacts` folder.
 */
export async function listArtifactFiles(folder: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (current: string, prefix: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) await walk(join(current, entry.name), path);
      else if (entry.isFile()) found.push(path);
    }
  };
  await walk(folder, '');
  return found.sort();
}

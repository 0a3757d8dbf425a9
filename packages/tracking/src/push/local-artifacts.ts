import { listKeyFiles } from '../mlruns/store-scan.js';

/**
 * Every file under a run's artifacts folder, as run-relative `/`-separated paths, sorted; none
 * when the folder does not exist. (The local tracker writes artifacts through temporary files in
 * the store root, so the folder holds only whole files.)
 *
 * @param folder - The run's `artifacts` folder.
 */
export async function listArtifactFiles(folder: string): Promise<string[]> {
  return [...(await listKeyFiles(folder)).keys()];
}

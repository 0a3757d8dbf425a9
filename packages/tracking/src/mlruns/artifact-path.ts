import { join } from 'node:path';

/**
 * The file a run-relative artifact path names inside the run's artifacts folder.
 *
 * @param artifactsFolder - Absolute path of the run's `artifacts` folder.
 * @param relativePath - A `/`-separated path such as `model/model.json`.
 * @throws Error naming the path when it is empty, absolute, uses `\`, contains a NUL, names a
 *   folder (ends in `/`), or would leave the artifacts folder through `..`.
 */
export function resolveArtifactPath(artifactsFolder: string, relativePath: string): string {
  const problem = artifactPathProblem(relativePath);
  if (problem !== undefined) throw new Error(`Artifact path '${relativePath}' ${problem}.`);
  const segments = relativePath.split('/').filter((segment) => segment !== '' && segment !== '.');
  return join(artifactsFolder, ...segments);
}

function artifactPathProblem(relativePath: string): string | undefined {
  if (relativePath.trim() === '') return 'is empty';
  if (relativePath.includes('\0')) return 'contains a NUL character';
  if (relativePath.includes('\\')) return "contains '\\': separate folders with '/'";
  if (relativePath.startsWith('/') || /^[A-Za-z]:/.test(relativePath)) return 'is absolute: it must be relative to the run';
  if (relativePath.endsWith('/')) return 'names a folder, not a file';
  const segments = relativePath.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.length === 0) return 'names the artifacts folder itself, not a file';
  if (segments.includes('..')) return "contains '..': it must stay inside the run's artifacts";
  return undefined;
}

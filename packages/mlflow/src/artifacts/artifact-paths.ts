import { MlflowValidationError } from '../errors/validation-error.js';
import type { ArtifactRoot } from '../model/artifact.js';

/** Path of the tracking server's artifact proxy (`--serve-artifacts`). */
export const ARTIFACT_PROXY_PATH = '/api/2.0/mlflow-artifacts/artifacts';

/**
 * The segments of a run's artifact root below the proxy: `mlflow-artifacts:/5/<run>/artifacts` (or
 * `mlflow-artifacts://host:port/5/<run>/artifacts`) gives `['5', '<run>', 'artifacts']`. Other schemes (`s3://`,
 * `file://`, ...) are not served by the proxy and are refused.
 */
export function proxyRootSegments(root: ArtifactRoot): string[] {
  const uri = typeof root === 'string' ? root : root.artifactUri;
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*)$/.exec(uri);
  if (match === null || match[1] === undefined) {
    throw new MlflowValidationError(
      'artifactUri',
      `'${uri}' is not served by the tracking server's artifact proxy (expected mlflow-artifacts:/...; ` +
        'start the server with --serve-artifacts, or use the artifact store\'s own client)',
    );
  }
  return match[1].split('/').filter((segment) => segment !== '');
}

/** Checks a path relative to a run's artifact root: no leading `/`, no `.`/`..` or empty segments, no backslash. */
export function relativePathSegments(path: string, field = 'path'): string[] {
  if (typeof path !== 'string' || path === '') throw new MlflowValidationError(field, 'expected a non-empty relative path');
  if (path.startsWith('/') || path.includes('\\')) {
    throw new MlflowValidationError(field, `'${path}' must be a relative path with forward slashes`);
  }
  const segments = path.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new MlflowValidationError(field, `'${path}' must not contain empty, '.' or '..' segments (it must stay inside the run)`);
  }
  return segments;
}

/** Percent-encodes path segments and joins them with `/`. */
export function encodePath(segments: readonly string[]): string {
  return segments.map((segment) => encodeURIComponent(segment)).join('/');
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  json: 'application/json',
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  html: 'text/html; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
};

/** A Content-Type for an upload, guessed from the file extension; `application/octet-stream` otherwise. */
export function guessContentType(path: string): string {
  const extension = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  return (extension !== undefined && CONTENT_TYPES[extension]) || 'application/octet-stream';
}

import { isAbsolute, resolve } from 'node:path';

/**
 * The store folder a local tracking URI names, as MLflow reads it: a plain path, or a `file:`
 * URI in any of its forms (`file:./mlruns`, `file:mlruns`, `file:/abs/mlruns`,
 * `file:///abs/mlruns`, `file://localhost/abs/mlruns`), percent-escapes decoded.
 *
 * @param uri - The tracking URI or path.
 * @param cwd - What a relative path is resolved against; defaults to the process's folder.
 * @returns The absolute path of the store folder.
 * @throws Error naming the URI when it has another scheme, a remote host, a query or fragment, or is empty.
 */
export function parseFileTrackingUri(uri: string, cwd: string = process.cwd()): string {
  if (uri.trim() === '') throw new Error('Tracking URI is empty: give a folder such as ./mlruns or file:///abs/mlruns.');
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri)?.[1];
  if (scheme === undefined || /^[A-Za-z]:[\\/]/.test(uri)) return resolve(cwd, uri);
  if (scheme.toLowerCase() !== 'file') {
    throw new Error(`Tracking URI '${uri}' is not a local store: expected a path or a file: URI, got scheme '${scheme}:'.`);
  }
  if (/[?#]/.test(uri)) throw new Error(`Tracking URI '${uri}' has a query or fragment, which a file: URI for a store cannot have.`);
  let path = uri.slice(scheme.length + 1);
  if (path.startsWith('//')) {
    const hostEnd = path.indexOf('/', 2);
    const host = path.slice(2, hostEnd < 0 ? undefined : hostEnd);
    if (host !== '' && host.toLowerCase() !== 'localhost') {
      throw new Error(`Tracking URI '${uri}' names host '${host}': only local file: URIs (no host, or localhost) are supported.`);
    }
    path = hostEnd < 0 ? '/' : path.slice(hostEnd);
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    throw new Error(`Tracking URI '${uri}' has a malformed percent-escape.`);
  }
  if (decoded === '') throw new Error(`Tracking URI '${uri}' names no folder.`);
  return isAbsolute(decoded) ? resolve(decoded) : resolve(cwd, decoded);
}

import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** Environment variables as kdlab reads them (a subset of `process.env`). */
export type EnvironmentVariables = Readonly<Record<string, string | undefined>>;

/**
 * kdlab's user cache directory: `$XDG_CACHE_HOME/kdlab` when `XDG_CACHE_HOME` is set to an absolute
 * path (the XDG rule: a relative value is ignored), otherwise `~/.cache/kdlab`.
 * Downloads and derived caches (the compact copy of `mnist-10k`) live in `<this>/<dataset>`.
 */
export function kdlabCacheDir(env: EnvironmentVariables = process.env): string {
  const xdg = env['XDG_CACHE_HOME'];
  const base = xdg !== undefined && xdg !== '' && isAbsolute(xdg) ? xdg : join(homedir(), '.cache');
  return join(base, 'kdlab');
}

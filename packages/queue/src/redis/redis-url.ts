/** A Redis location parsed from a `--queue` URL, with the password kept out of anything printed. */
export interface RedisLocation {
  /** The URL as given (holds the password, if any: pass it only to the Redis client). */
  readonly url: string;
  /** The URL with any password replaced by `***`: for messages, logs and the MLflow params. */
  readonly redacted: string;
  /** The database number (the path, default 0). */
  readonly db: number;
  /** Whether the connection uses TLS (`rediss://`). */
  readonly tls: boolean;
}

/** Why a `--queue` URL was refused. */
export class RedisUrlError extends Error {
  /** The error's name. */
  override name = 'RedisUrlError';
}

/**
 * Parses a `--queue` URL: `redis://[[user]:password@]host[:port][/db]` or `rediss://...` (TLS).
 *
 * @param text - the URL as typed.
 * @param option - the option it came from, named in errors.
 * @throws RedisUrlError naming the option and what is wrong (the password never appears in it).
 */
export function parseRedisUrl(text: string, option = '--queue'): RedisLocation {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    const hint = text.includes('@') ? ' A password with /, ?, # or @ in it must be percent-encoded (/ as %2F).' : '';
    throw new RedisUrlError(`${option}: "${redactRedisUrl(text)}" is not a URL; expected redis://host:6379/0 (or rediss:// for TLS).${hint}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new RedisUrlError(`${option}: "${redactRedisUrl(text)}" has scheme "${url.protocol}"; expected redis:// or rediss://.`);
  }
  if (url.hostname === '') throw new RedisUrlError(`${option}: "${redactRedisUrl(text)}" names no host; expected redis://host:6379/0.`);
  const path = url.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d+$/.test(path)) {
    throw new RedisUrlError(`${option}: "${redactRedisUrl(text)}": the path must be a database number (redis://host:6379/0), not "${path}".`);
  }
  return { url: text, redacted: redactRedisUrl(text), db: path === '' ? 0 : Number(path), tls: url.protocol === 'rediss:' };
}

/**
 * The URL with the password replaced by `***`: the one before `@`, and a `?password=` (which ioredis
 * reads too); text that is not a URL is returned with anything between `//` and `@`, and any
 * `password=` value, masked.
 */
export function redactRedisUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password === '' && !url.searchParams.has('password')) return text;
    if (url.password !== '') url.password = '***';
    if (url.searchParams.has('password')) url.searchParams.set('password', '***');
    return url.toString().replace('password=%2A%2A%2A', 'password=***');
  } catch {
    return text.replace(/\/\/.*@/, '//***@').replace(/password=[^&]*/gi, 'password=***');
  }
}

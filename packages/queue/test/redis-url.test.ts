import { describe, expect, it } from 'vitest';
import { parseRedisUrl, redactRedisUrl, RedisUrlError } from '@kdlab/queue';

/** The error `parseRedisUrl` throws for `text`. */
function refusal(text: string, option?: string): RedisUrlError {
  try {
    parseRedisUrl(text, option);
  } catch (error) {
    expect(error).toBeInstanceOf(RedisUrlError);
    expect((error as Error).name).toBe('RedisUrlError');
    return error as RedisUrlError;
  }
  throw new Error(`"${text}" was accepted`);
}

describe('parseRedisUrl', () => {
  it('reads host, port and database number; database 0 when the path is empty', () => {
    expect(parseRedisUrl('redis://localhost:6379/0')).toEqual({ url: 'redis://localhost:6379/0', redacted: 'redis://localhost:6379/0', db: 0, tls: false });
    expect(parseRedisUrl('redis://queue.example.org')).toEqual({ url: 'redis://queue.example.org', redacted: 'redis://queue.example.org', db: 0, tls: false });
    expect(parseRedisUrl('redis://10.0.0.5:6380/')).toMatchObject({ db: 0 });
    expect(parseRedisUrl('redis://10.0.0.5:6380/7')).toMatchObject({ db: 7, tls: false });
    expect(parseRedisUrl('redis://[::1]:6379/15')).toMatchObject({ db: 15 });
  });

  it('takes rediss:// as TLS', () => {
    expect(parseRedisUrl('rediss://cache.example.org:6380/2')).toEqual({ url: 'rediss://cache.example.org:6380/2', redacted: 'rediss://cache.example.org:6380/2', db: 2, tls: true });
  });

  it('keeps the password in `url` (for the client) and masks it in `redacted`, with or without a user name', () => {
    expect(parseRedisUrl('redis://:s3cret@host:6379/1')).toEqual({ url: 'redis://:s3cret@host:6379/1', redacted: 'redis://:***@host:6379/1', db: 1, tls: false });
    const acl = parseRedisUrl('rediss://worker:s3cret@host:6380/3');
    expect(acl.url).toBe('rediss://worker:s3cret@host:6380/3');
    expect(acl.redacted).toBe('rediss://worker:***@host:6380/3');
    expect(acl.redacted).not.toContain('s3cret');
    expect(parseRedisUrl('redis://worker@host/0').redacted).toBe('redis://worker@host/0'); // a user name alone is no secret
  });

  it('refuses another scheme, naming the option, what it got and what it expects', () => {
    const error = refusal('http://host:6379/0');
    expect(error.message).toBe('--queue: "http://host:6379/0" has scheme "http:"; expected redis:// or rediss://.');
    expect(refusal('host:6379', '--redis').message).toBe('--redis: "host:6379" has scheme "host:"; expected redis:// or rediss://.');
  });

  it('refuses text that is no URL, a URL without a host, and a path that is not a database number', () => {
    expect(refusal('just words').message).toBe('--queue: "just words" is not a URL; expected redis://host:6379/0 (or rediss:// for TLS).');
    expect(refusal('redis:///0').message).toBe('--queue: "redis:///0" names no host; expected redis://host:6379/0.');
    expect(refusal('redis://host:6379/queue').message).toBe('--queue: "redis://host:6379/queue": the path must be a database number (redis://host:6379/0), not "queue".');
    expect(refusal('redis://host/0/1').message).toMatch(/the path must be a database number .*not "0\/1"/);
    expect(refusal('redis://host/-1').message).toMatch(/not "-1"/);
  });

  it('never puts the password in an error message, whatever is wrong with the URL', () => {
    const password = 'hunter2';
    const cases = [
      `http://admin:${password}@host:6379/0`, // wrong scheme
      `redis://:${password}@host:6379/queue`, // path not a number
      `redis://:${password}@/0`, // no host: not even a URL
      `redis://:${password}@host:99999/0`, // port out of range: not a URL
      `redis://admin:${password}@host:port/0`, // bad port: not a URL
      `redis://:${password}#x@host/0`, // a '#' in the password: not a URL
      `redis://:Zm9v/YmFy+${password}=@host:6379/0`, // base64 password with a '/' (openssl rand -base64): not a URL
      `redis://:a/b@c${password}@host/0`, // '/' and '@' in the password
    ];
    for (const text of cases) {
      const error = refusal(text);
      expect(error.message, text).not.toContain(password);
      expect(error.message, text).toContain('***');
    }
  });
});

describe('redactRedisUrl', () => {
  it('replaces the password by *** and leaves a URL without one as it is', () => {
    expect(redactRedisUrl('redis://:pw@host:6379/0')).toBe('redis://:***@host:6379/0');
    expect(redactRedisUrl('redis://user:pw@host:6379/0')).toBe('redis://user:***@host:6379/0');
    expect(redactRedisUrl('redis://:p%40ss@host/0')).toBe('redis://:***@host/0');
    expect(redactRedisUrl('redis://:p@ss@host/0')).toBe('redis://:***@host/0'); // the last @ ends the user info
    expect(redactRedisUrl('redis://host:6379/0')).toBe('redis://host:6379/0');
    expect(redactRedisUrl('rediss://user@host/0')).toBe('rediss://user@host/0');
  });

  it('masks everything between // and @ of text that is not a URL, a / in the password included', () => {
    expect(redactRedisUrl('redis://:pw@/0')).toBe('redis://***@/0');
    expect(redactRedisUrl('redis://user:pw@host:port/0')).toBe('redis://***@host:port/0');
    expect(redactRedisUrl('redis://:Zm9v/YmFy+abc=@host:6379/0')).toBe('redis://***@host:6379/0');
    expect(redactRedisUrl('not a url')).toBe('not a url');
  });
});

describe('a password given as ?password=', () => {
  it('is kept out of `redacted` (ioredis reads it as the password)', () => {
    const location = parseRedisUrl('redis://queue.example.org:6379/0?password=s3cret');
    expect(location.redacted).not.toContain('s3cret');
    expect(location.redacted).toContain('password=***');
  });
});

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithRedisServer, ping, startRedisServer, type RedisServer } from './support/redis-server.js';

const CHILD = fileURLToPath(new URL('./support/redis-server-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A client that gives up at once when nothing answers (these tests check what is on the server, not reconnection). */
function client(url: string): Redis {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  redis.on('error', () => undefined);
  return redis;
}

/** Runs `fn` with a connected client, then disconnects it. */
async function withClient<T>(url: string, fn: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = client(url);
  await redis.connect();
  try {
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeWithRedisServer('the test redis-server (support/redis-server.ts)', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.remove();
  });

  it('answers PING on a loopback port as soon as start() resolves, with AOF on and fsync always, in its own folder', async () => {
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(server.urlFor(3)).toBe(`redis://127.0.0.1:${server.port}/3`);
    expect(server.running).toBe(true);
    expect(await ping(server.port)).toBe('+PONG');
    const config = await withClient(server.url, async (redis) => ({
      appendonly: await redis.config('GET', 'appendonly'),
      appendfsync: await redis.config('GET', 'appendfsync'),
      save: await redis.config('GET', 'save'),
      dir: await redis.config('GET', 'dir'),
      bind: await redis.config('GET', 'bind'),
    }));
    expect(config).toEqual({
      appendonly: ['appendonly', 'yes'],
      appendfsync: ['appendfsync', 'always'],
      save: ['save', ''],
      dir: ['dir', server.dir],
      bind: ['bind', '127.0.0.1'],
    });
    expect(readdirSync(server.dir)).toContain('appendonlydir');
  });

  it('stop() ends the server with SIGTERM and waits for it; restart() brings back every write on the same port', async () => {
    await withClient(server.url, async (redis) => {
      await redis.set('kept', 'across a stop');
      await redis.hset('h', 'a', '1');
    });
    const before = server.pid;
    await server.stop();
    expect(server.running).toBe(false);
    expect(server.pid).toBeUndefined();
    expect(await ping(server.port)).toBeUndefined();
    expect(server.log).toMatch(/Received SIGTERM|User requested shutdown/);
    await server.stop(); // nothing to stop: no error

    await server.restart();
    expect(server.running).toBe(true);
    expect(server.pid).not.toBe(before);
    expect(await withClient(server.url, async (redis) => [await redis.get('kept'), await redis.hget('h', 'a')])).toEqual(['across a stop', '1']);
  });

  it('kill() ends the server with SIGKILL, and a write acknowledged before it survives (appendfsync always)', async () => {
    await withClient(server.url, async (redis) => {
      await redis.set('acknowledged', 'before the crash');
    });
    await server.kill();
    expect(server.running).toBe(false);
    expect(await ping(server.port)).toBeUndefined();
    expect(server.log).not.toMatch(/ready to exit/); // no clean shutdown this time: killed
    await server.restart();
    expect(await withClient(server.url, (redis) => redis.get('acknowledged'))).toBe('before the crash');
  });

  it('restart() of a running server stops it first; a client with retries carries on through it', async () => {
    const redis = new Redis(server.url, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
    redis.on('error', () => undefined);
    try {
      await redis.set('counter', '1');
      await server.restart();
      expect(await redis.incr('counter')).toBe(2);
    } finally {
      redis.disconnect();
    }
  });

  it('remove() stops the server and deletes its folder; a removed server cannot restart', async () => {
    const other = await startRedisServer();
    expect(other.port).not.toBe(server.port);
    expect(existsSync(other.dir)).toBe(true);
    await other.remove();
    expect(existsSync(other.dir)).toBe(false);
    expect(await ping(other.port)).toBeUndefined();
    await expect(other.restart()).rejects.toThrow(/was removed: it cannot restart/);
  });

  it('counts a server with --requirepass as ready (it answers NOAUTH), and a client with the password gets in', async () => {
    const guarded = await startRedisServer({ extraArgs: ['--requirepass', 'test-password'] });
    try {
      expect(await ping(guarded.port)).toMatch(/^-NOAUTH/);
      const url = `redis://:test-password@127.0.0.1:${guarded.port}`;
      expect(await withClient(url, (redis) => redis.ping())).toBe('PONG');
    } finally {
      await guarded.remove();
    }
  });

  it('leaves no server and no folder behind when its test process is killed with SIGKILL (the watchdog)', async () => {
    const child = spawn(process.execPath, ['--conditions=@kdlab/source', '--import', 'tsx', CHILD], { stdio: ['ignore', 'pipe', 'inherit'] });
    const started = await new Promise<{ pid: number; port: number; dir: string }>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!) as { pid: number; port: number; dir: string });
      });
      child.once('exit', (code) => reject(new Error(`the child exited (${code}) before it started a server`)));
    });
    expect(await ping(started.port)).toBe('+PONG');
    expect(existsSync(started.dir)).toBe(true);
    child.kill('SIGKILL');
    await waitUntil(async () => (await ping(started.port, 200)) === undefined && !existsSync(started.dir), 'the orphaned server to end and its folder to go');
  });
});

it('without redis-server, names the missing binary: the Redis suites skip with that reason, and a start fails with it', () => {
  const probe = [
    "const helper = await import('./packages/queue/test/support/redis-server.ts');",
    "const start = await helper.startRedisServer().then(() => 'started', (error) => error.message);",
    "process.stdout.write(JSON.stringify({ missing: helper.redisServerMissing, has: helper.hasRedisServer, start }));",
  ].join('\n');
  const child = spawnSync(process.execPath, ['--conditions=@kdlab/source', '--import', 'tsx', '--input-type=module', '-e', probe], {
    cwd: ROOT,
    env: { ...process.env, KDLAB_REDIS_SERVER: '/nonexistent/redis-server' },
    encoding: 'utf8',
  });
  expect(child.stderr).toBe('');
  const reason = 'redis-server is not installed (no executable /nonexistent/redis-server; `apt-get install redis-server`, or set KDLAB_REDIS_SERVER)';
  expect(JSON.parse(child.stdout)).toEqual({ missing: reason, has: false, start: `Cannot start a Redis server: ${reason}.` });
});

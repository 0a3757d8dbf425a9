import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';

/**
 * A throwaway `redis-server` for tests: Debian's binary (package `redis-server`) on a free loopback
 * port, in a temporary folder, with AOF persistence fsync'd on every write (`--appendonly yes
 * --appendfsync always --save ''`), so that what a command wrote survives {@link RedisServer.restart}
 * and even {@link RedisServer.kill}. Readiness is awaited by connecting and sending PING (a server
 * still loading its AOF answers `-LOADING`, not `+PONG`), never by sleeping.
 *
 * Clean-up: {@link RedisServer.remove} stops the server and deletes its folder. Should a test file
 * not get there (a failure, or vitest ending its worker with SIGTERM, which runs no `exit` handler),
 * a small watchdog (`sh`, in a process group of its own) waits for this process to go, then kills
 * the server with SIGKILL and deletes the folder; on an ordinary exit an `exit` handler does the same.
 */

/** The `redis-server` the tests start: `KDLAB_REDIS_SERVER`, else Debian's. */
export const REDIS_SERVER_BINARY = process.env['KDLAB_REDIS_SERVER'] ?? '/usr/bin/redis-server';

/** Why no Redis test can run here (no executable `redis-server`), or undefined when one can. */
export const redisServerMissing: string | undefined = (() => {
  try {
    accessSync(REDIS_SERVER_BINARY, constants.X_OK);
    return undefined;
  } catch {
    return `redis-server is not installed (no executable ${REDIS_SERVER_BINARY}; \`apt-get install redis-server\`, or set KDLAB_REDIS_SERVER)`;
  }
})();

/** Whether `redis-server` is installed. */
export const hasRedisServer = redisServerMissing === undefined;

/**
 * `describe`, skipped with the reason in its title (and one line on the console) when `redis-server`
 * is not installed.
 *
 * @param name - the suite's title.
 * @param body - the suite.
 */
export function describeWithRedisServer(name: string, body: () => void): void {
  if (redisServerMissing !== undefined) console.log(`${name}: skipped (${redisServerMissing})`);
  describe.skipIf(redisServerMissing !== undefined)(redisServerMissing === undefined ? name : `${name} [skipped: ${redisServerMissing}]`, body);
}

/** How a {@link RedisServer} starts. */
export interface RedisServerOptions {
  /** How long a start may take until PING answers PONG, in ms. Default 15 000. */
  startTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before it sends SIGKILL, in ms. Default 10 000. */
  stopTimeoutMs?: number;
  /** More `redis-server` arguments (`['--maxmemory', '64mb']`). */
  extraArgs?: readonly string[];
}

/** How a server process ended. */
interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Servers of this process not removed yet, for the `exit` handler. */
const live = new Set<RedisServer>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const server of live) server.removeSync();
  });
}

/** A port on 127.0.0.1 that nothing listened on a moment ago. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** What the server at `port` answers to one PING: `+PONG`, `-LOADING ...` (still reading its AOF), `-NOAUTH ...` (a password is required), or undefined when nothing answers. */
export function ping(port: number, timeoutMs = 1000): Promise<string | undefined> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (value: string | undefined): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
      const end = answer.indexOf('\r\n');
      if (end >= 0) done(answer.slice(0, end));
    });
    socket.once('error', () => done(undefined));
    socket.once('close', () => done(answer === '' ? undefined : answer));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A `redis-server` process of this test, its port and its folder (see the module's comment). */
export class RedisServer {
  /** Its port on 127.0.0.1 (kept across restarts). */
  readonly port: number;
  /** Its folder (`--dir`: the AOF files, `appendonlydir/`). */
  readonly dir: string;
  readonly #options: Required<RedisServerOptions>;
  readonly #pidFile: string;
  #child: ChildProcess | undefined;
  #exited: Promise<Exit> | undefined;
  #watchdog: ChildProcess | undefined;
  #log = '';
  #removed = false;

  private constructor(port: number, dir: string, options: RedisServerOptions) {
    this.port = port;
    this.dir = dir;
    this.#pidFile = join(dir, 'test-redis-server.pid');
    this.#options = { startTimeoutMs: options.startTimeoutMs ?? 15_000, stopTimeoutMs: options.stopTimeoutMs ?? 10_000, extraArgs: options.extraArgs ?? [] };
  }

  /**
   * Starts a server on a free port in a new temporary folder, and waits until it answers PING.
   *
   * @throws Error when `redis-server` is missing, exits, or does not answer within the start timeout (its log included).
   *   A server started with `--requirepass` (in `extraArgs`) counts as ready when it answers NOAUTH.
   */
  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    if (redisServerMissing !== undefined) throw new Error(`Cannot start a Redis server: ${redisServerMissing}.`);
    const dir = mkdtempSync(join(tmpdir(), 'kdlab-redis-'));
    let lastError: Error | undefined;
    // A port found free may be taken before the server binds it: try another one.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const server = new RedisServer(await freePort(), dir, options);
      try {
        await server.#start();
        return server;
      } catch (error) {
        lastError = error as Error;
        await server.#terminate('SIGKILL');
        server.#discard();
        if (!/Address already in use/i.test(server.#log)) break;
      }
    }
    rmSync(dir, { recursive: true, force: true });
    throw lastError!;
  }

  /** `redis://127.0.0.1:<port>` (database 0). */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** The URL of database `db`. */
  urlFor(db: number): string {
    return `${this.url}/${db}`;
  }

  /** The process id of the running server, or undefined while it is stopped. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Whether a server process runs (started and not seen to exit). */
  get running(): boolean {
    return this.#child !== undefined;
  }

  /** The log (standard output and error) of the server's latest start, the last 64 KiB: what it printed as it ran, stopped or failed. */
  get log(): string {
    return this.#log;
  }

  /** Stops the server with SIGTERM (it fsyncs its AOF and exits) and waits for it to exit; SIGKILL after the stop timeout. Nothing when stopped. */
  async stop(): Promise<void> {
    await this.#terminate('SIGTERM');
  }

  /** Kills the server with SIGKILL (as a crash or the OOM killer would) and waits for it to exit. Nothing when stopped. */
  async kill(): Promise<void> {
    await this.#terminate('SIGKILL');
  }

  /** Stops the server (when it runs), then starts it again on the same port and folder, its AOF loaded, and waits until it answers PING. */
  async restart(): Promise<void> {
    if (this.#removed) throw new Error(`The Redis server of ${this.dir} was removed: it cannot restart.`);
    await this.stop();
    await this.#start();
  }

  /** Stops the server and deletes its folder; the server cannot restart then. */
  async remove(): Promise<void> {
    await this.stop();
    this.#cleanUp();
  }

  /** {@link RedisServer.remove} for an `exit` handler: SIGKILL, no waiting. */
  removeSync(): void {
    this.#child?.kill('SIGKILL');
    this.#cleanUp();
  }

  #cleanUp(): void {
    this.#discard();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Forgets this server (no watchdog, no exit handler), its folder left as it is. */
  #discard(): void {
    this.#removed = true;
    live.delete(this);
    if (this.#watchdog?.exitCode === null && this.#watchdog.signalCode === null) this.#watchdog.kill('SIGKILL');
    this.#watchdog = undefined;
  }

  #append(chunk: Buffer): void {
    this.#log = (this.#log + chunk.toString('utf8')).slice(-65_536);
  }

  async #start(): Promise<void> {
    if (this.#child !== undefined) throw new Error(`The Redis server on port ${this.port} runs already (pid ${this.#child.pid}).`);
    const args = [
      '--port', String(this.port),
      '--bind', '127.0.0.1',
      '--dir', this.dir,
      '--appendonly', 'yes',
      '--appendfsync', 'always',
      '--save', '',
      '--daemonize', 'no',
      '--logfile', '',
      ...this.#options.extraArgs,
    ];
    this.#log = '';
    const child = spawn(REDIS_SERVER_BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    child.stdout!.on('data', (chunk: Buffer) => this.#append(chunk));
    child.stderr!.on('data', (chunk: Buffer) => this.#append(chunk));
    this.#exited = new Promise<Exit>((resolve) => {
      child.once('error', (error) => {
        this.#append(Buffer.from(`\n[spawn error] ${error.message}\n`));
        if (this.#child === child) this.#child = undefined;
        resolve({ code: null, signal: null });
      });
      child.once('exit', (code, signal) => {
        if (this.#child === child) this.#child = undefined;
        try {
          unlinkSync(this.#pidFile);
        } catch {
          // not written, or removed with the folder
        }
        resolve({ code, signal });
      });
    });
    if (child.pid !== undefined) {
      writeFileSync(this.#pidFile, String(child.pid));
      live.add(this);
      installExitHook();
      this.#startWatchdog();
    }
    const deadline = Date.now() + this.#options.startTimeoutMs;
    let answer: string | undefined;
    while (Date.now() < deadline) {
      if (this.#child !== child) throw new Error(`redis-server on port ${this.port} exited before it answered PING:\n${this.#log}`);
      answer = await ping(this.port);
      // A server with `--requirepass` answers NOAUTH once it is ready (and LOADING before).
      if (answer === '+PONG' || answer?.startsWith('-NOAUTH') === true) return;
      await sleep(25);
    }
    const log = this.#log;
    await this.#terminate('SIGKILL');
    throw new Error(`redis-server on port ${this.port} did not answer PING with PONG within ${this.#options.startTimeoutMs} ms (last answer: ${answer ?? 'none'}), and was killed:\n${log}`);
  }

  /** One watchdog per server, for as long as the server is not removed: it outlives this process by at most a second. */
  #startWatchdog(): void {
    if (this.#watchdog !== undefined) return;
    const script = [
      'while kill -0 "$1" 2>/dev/null; do sleep 1; done',
      'if [ -f "$2/test-redis-server.pid" ]; then',
      '  p=$(cat "$2/test-redis-server.pid")',
      // Only the redis-server of this port (its title is `redis-server 127.0.0.1:<port>`): a reused pid is left alone.
      '  if [ -r "/proc/$p/cmdline" ]; then',
      '    if tr "\\0" " " < "/proc/$p/cmdline" | grep -q -- ":$3 "; then kill -9 "$p" 2>/dev/null; fi',
      '  elif [ ! -d /proc/self ]; then kill -9 "$p" 2>/dev/null; fi',
      'fi',
      'rm -rf -- "$2"',
    ].join('\n');
    const watchdog = spawn('/bin/sh', ['-c', script, 'kdlab-redis-watchdog', String(process.pid), this.dir, String(this.port)], { detached: true, stdio: 'ignore' });
    watchdog.on('error', () => undefined);
    watchdog.unref();
    this.#watchdog = watchdog;
  }

  async #terminate(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const child = this.#child;
    const exited = this.#exited;
    if (child === undefined || exited === undefined) return;
    child.kill(signal);
    if (signal === 'SIGKILL') {
      await exited;
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), this.#options.stopTimeoutMs)))]);
    clearTimeout(timer);
    if (timedOut) {
      child.kill('SIGKILL');
      await exited;
    }
  }
}

/** {@link RedisServer.start}: a server on a free port in a new temporary folder, answering PING. */
export function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  return RedisServer.start(options);
}

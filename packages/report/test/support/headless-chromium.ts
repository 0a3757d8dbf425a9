import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** Where a Chromium-family browser is found: `$KDLAB_CHROMIUM`, then the usual names on the PATH. */
export function findChromium(): string | undefined {
  const fromEnv = process.env['KDLAB_CHROMIUM'];
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  const folders = (process.env['PATH'] ?? '').split(delimiter).filter(Boolean);
  for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
    for (const folder of ['/usr/bin', ...folders]) {
      const candidate = join(folder, name);
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

/** What a page did when loaded. */
export interface PageVisit {
  /** Console messages of type error or assert, uncaught exceptions and browser log errors (failed loads, ...). */
  errors: string[];
  /** The value of `expression`, evaluated after the load event. */
  evaluated: unknown;
}

interface CdpMessage {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

/**
 * A headless Chromium driven over the DevTools protocol through a pipe (`--remote-debugging-pipe`:
 * commands on fd 3, answers on fd 4, NUL-separated JSON), so no port and no WebSocket are needed.
 */
export class HeadlessChromium {
  private nextId = 1;
  private buffer = '';
  private readonly pending = new Map<number, { resolve: (result: Record<string, unknown>) => void; reject: (error: Error) => void }>();
  private readonly listeners = new Set<(message: CdpMessage) => void>();

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    const output = child.stdio[4] as Readable;
    output.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('utf8');
      let end: number;
      while ((end = this.buffer.indexOf('\0')) >= 0) {
        const message = JSON.parse(this.buffer.slice(0, end)) as CdpMessage;
        this.buffer = this.buffer.slice(end + 1);
        if (message.id !== undefined && this.pending.has(message.id)) {
          const waiter = this.pending.get(message.id)!;
          this.pending.delete(message.id);
          if (message.error) waiter.reject(new Error(`DevTools: ${message.error.message}`));
          else waiter.resolve(message.result ?? {});
        } else for (const listener of this.listeners) listener(message);
      }
    });
    child.on('exit', () => {
      for (const waiter of this.pending.values()) waiter.reject(new Error('Chromium exited'));
      this.pending.clear();
    });
  }

  /**
   * Starts the browser with the flags the brief asks for (headless, no sandbox, no GPU, no
   * background networking, updates or sync) and a fresh profile folder.
   *
   * @param executable - The browser.
   */
  static async launch(executable: string): Promise<HeadlessChromium> {
    const profile = await mkdtemp(join(tmpdir(), 'kdlab-chromium-'));
    const child = spawn(
      executable,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--no-default-browser-check',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        '--remote-debugging-pipe',
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
    );
    return new HeadlessChromium(child, profile);
  }

  private send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const input = this.child.stdio[3] as Writable;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  }

  /**
   * Opens `url` in a new tab of the given size, waits for its load event, evaluates `expression`,
   * optionally saves a PNG screenshot, and reports the page's errors.
   *
   * @param url - The page, e.g. `file:///tmp/report.html`.
   * @param options - Window size, expression (with `awaitPromise`, the value its promise resolves
   *   to), screenshot path and how long to wait for the load event.
   */
  async visit(url: string, options: { width: number; height: number; expression: string; awaitPromise?: boolean; screenshot?: string; timeoutMs?: number }): Promise<PageVisit> {
    const { targetId } = (await this.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await this.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    const errors: string[] = [];
    let loaded!: () => void;
    const load = new Promise<void>((resolve) => (loaded = resolve));
    const listener = (message: CdpMessage): void => {
      if (message.sessionId !== sessionId) return;
      const params = message.params ?? {};
      if (message.method === 'Page.loadEventFired') loaded();
      if (message.method === 'Runtime.consoleAPICalled' && (params['type'] === 'error' || params['type'] === 'assert')) {
        const args = (params['args'] as { value?: unknown; description?: string }[]) ?? [];
        errors.push(`console.${String(params['type'])}: ${args.map((arg) => String(arg.value ?? arg.description)).join(' ')}`);
      }
      if (message.method === 'Runtime.exceptionThrown') errors.push(`exception: ${JSON.stringify((params['exceptionDetails'] as { text?: string })?.text)}`);
      if (message.method === 'Log.entryAdded') {
        const entry = params['entry'] as { level: string; text: string; url?: string };
        if (entry.level === 'error') errors.push(`log: ${entry.text}${entry.url ? ` (${entry.url})` : ''}`);
      }
    };
    this.listeners.add(listener);
    try {
      for (const domain of ['Page', 'Runtime', 'Log']) await this.send(`${domain}.enable`, {}, sessionId);
      await this.send('Emulation.setDeviceMetricsOverride', { width: options.width, height: options.height, deviceScaleFactor: 1, mobile: false }, sessionId);
      await this.send('Page.navigate', { url }, sessionId);
      const timeoutMs = options.timeoutMs ?? 20_000;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([load, new Promise((_resolve, reject) => (timer = setTimeout(() => reject(new Error(`${url} did not load within ${timeoutMs} ms`)), timeoutMs)))]);
      clearTimeout(timer);
      const { result } = (await this.send('Runtime.evaluate', { expression: options.expression, returnByValue: true, awaitPromise: options.awaitPromise ?? false }, sessionId)) as { result: { value?: unknown } };
      if (options.screenshot !== undefined) {
        const { data } = (await this.send('Page.captureScreenshot', { format: 'png' }, sessionId)) as { data: string };
        await writeFile(options.screenshot, Buffer.from(data, 'base64'));
      }
      return { errors, evaluated: result.value };
    } finally {
      this.listeners.delete(listener);
      await this.send('Target.closeTarget', { targetId }).catch(() => undefined);
    }
  }

  /** Closes the browser and removes its profile folder. */
  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => (this.child.exitCode !== null ? resolve() : this.child.once('exit', () => resolve())));
    await this.send('Browser.close').catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    await rm(this.profile, { recursive: true, force: true });
  }
}

/**
 * Width and height of a PNG file's image, read from its IHDR chunk.
 *
 * @param png - The file's bytes.
 * @throws Error when the bytes are not a PNG.
 */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.length < 24 || signature.some((byte, i) => png[i] !== byte)) throw new Error('not a PNG file');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

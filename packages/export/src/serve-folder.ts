import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

/** Content types of the files an export holds. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
};

/** A running {@link serveFolder} server. */
export interface ServedFolder {
  /** Its address, e.g. `http://127.0.0.1:8080/`. */
  readonly url: string;
  /** Stops it. */
  close(): Promise<void>;
}

/** Options of {@link serveFolder}. */
export interface ServeFolderOptions {
  /** The port (default 0: any free one). */
  readonly port?: number;
  /** The interface (default `127.0.0.1`: this machine only). */
  readonly host?: string;
}

/**
 * Serves a folder's files over http (GET and HEAD, `index.html` for a folder, `application/wasm` for
 * wasm binaries), nothing outside it: enough for the page `kdlab export` writes, which a browser does not
 * run from a `file://` URL.
 *
 * @param root - the folder.
 * @param options - port and interface.
 * @returns the server's address and a way to stop it.
 */
export async function serveFolder(root: string, options: ServeFolderOptions = {}): Promise<ServedFolder> {
  const base = normalize(root + sep);
  const server: Server = createServer((request, response) => {
    void (async () => {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      let path: string;
      try {
        path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
      } catch {
        response.writeHead(400).end();
        return;
      }
      let file = normalize(join(base, path));
      if (!file.startsWith(base) && file + sep !== base) {
        response.writeHead(403).end();
        return;
      }
      let found = await stat(file).catch(() => undefined);
      if (found?.isDirectory()) {
        file = join(file, 'index.html');
        found = await stat(file).catch(() => undefined);
      }
      if (!found?.isFile()) {
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`Not found: ${path}\n`);
        return;
      }
      response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': found.size, 'cache-control': 'no-cache' });
      if (request.method === 'HEAD') response.end();
      else createReadStream(file).pipe(response);
    })();
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

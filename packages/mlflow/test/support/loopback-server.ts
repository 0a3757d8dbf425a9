import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request as the loopback server received it. */
export interface ReceivedRequest {
  /** HTTP method. */
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** Decoded query parameters, `null` when there were none (as the recordings write it). */
  readonly query: Record<string, string> | null;
  /** Request headers (lower-case names). */
  readonly headers: IncomingHttpHeaders;
  /** The raw body. */
  readonly body: Buffer;
}

/** How the server answers one request: an HTTP answer, or `'drop'` to close the connection without answering. */
export type Reply =
  | {
      readonly status: number;
      readonly contentType?: string;
      readonly body?: string | Buffer;
      readonly headers?: Readonly<Record<string, string>>;
    }
  | 'drop';

/** Decides the answer to the `index`-th request (0-based). */
export type ReplyHandler = (request: ReceivedRequest, index: number) => Reply | Promise<Reply>;

/** A real HTTP server on 127.0.0.1 (port chosen by the OS) that records every request and answers by a handler. */
export class LoopbackServer {
  /** Every request received, in order. */
  readonly received: ReceivedRequest[] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  private constructor(server: Server) {
    this.#server = server;
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  /** Starts a server answering with `handler`. */
  static async start(handler: ReplyHandler): Promise<LoopbackServer> {
    let instance: LoopbackServer | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const url = new URL(request.url ?? '/', 'http://127.0.0.1');
        const query = url.searchParams.size === 0 ? null : Object.fromEntries(url.searchParams.entries());
        const received: ReceivedRequest = {
          method: request.method ?? '',
          path: decodeURIComponent(url.pathname),
          query,
          headers: request.headers,
          body: Buffer.concat(chunks),
        };
        const owner = instance!;
        owner.received.push(received);
        void Promise.resolve(handler(received, owner.received.length - 1)).then((reply) => answer(response, reply));
      });
    });
    instance = new LoopbackServer(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return instance;
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Stops the server and closes every open connection. */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

function answer(response: ServerResponse, reply: Reply): void {
  if (reply === 'drop') {
    response.socket?.destroy();
    return;
  }
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.contentType !== undefined) headers['content-type'] = reply.contentType;
  response.writeHead(reply.status, headers);
  response.end(reply.body ?? '');
}

/** A JSON answer. */
export function jsonReply(status: number, body: unknown, headers?: Readonly<Record<string, string>>): Reply {
  return { status, contentType: 'application/json', body: JSON.stringify(body), headers: headers ?? {} };
}

/** A port on 127.0.0.1 that nothing listens on (taken from the OS, then released). */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

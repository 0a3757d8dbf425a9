import type { MlflowClient, MlflowClientOptions } from '../../src/index.js';
import { LoopbackServer, type ReplyHandler } from './loopback-server.js';
import type { RecordedExchange } from './recorded-exchanges.js';
import { startMatchingServer, startReplayServer } from './replay-server.js';
import { testClient } from './test-client.js';

/** Runs `body` with a client talking to a replay server of `exchanges`; both are closed afterwards. */
export async function withReplay<T>(
  exchanges: readonly RecordedExchange[],
  body: (client: MlflowClient, server: LoopbackServer) => Promise<T>,
  options: MlflowClientOptions = {},
): Promise<T> {
  return withServer(await startReplayServer(exchanges), body, options);
}

/** Runs `body` with a client talking to a server that answers each request with the recorded exchange it matches. */
export async function withMatchingReplay<T>(
  exchanges: readonly RecordedExchange[],
  body: (client: MlflowClient, server: LoopbackServer) => Promise<T>,
  options: MlflowClientOptions = {},
): Promise<T> {
  return withServer(await startMatchingServer(exchanges), body, options);
}

/** Runs `body` with a client talking to a loopback server answering by `handler`. */
export async function withHandler<T>(
  handler: ReplyHandler,
  body: (client: MlflowClient, server: LoopbackServer) => Promise<T>,
  options: MlflowClientOptions = {},
): Promise<T> {
  return withServer(await LoopbackServer.start(handler), body, options);
}

async function withServer<T>(
  server: LoopbackServer,
  body: (client: MlflowClient, server: LoopbackServer) => Promise<T>,
  options: MlflowClientOptions,
): Promise<T> {
  const client = testClient(server.url, options);
  try {
    return await body(client, server);
  } finally {
    await client.close();
    await server.close();
  }
}

/** The recorded request body of exchange `index`, as an object. */
export function requestBodyOf(exchanges: readonly RecordedExchange[], index: number): Record<string, unknown> {
  const body = exchanges[index]?.request.body;
  if (typeof body !== 'object' || body === null) throw new Error(`exchange ${index} has no JSON request body`);
  return body as Record<string, unknown>;
}

/** A recorded integer field of the request body of exchange `index` (a timestamp the test replays). */
export function recordedNumber(exchanges: readonly RecordedExchange[], index: number, field: string): number {
  const value = requestBodyOf(exchanges, index)[field];
  if (typeof value !== 'number') throw new Error(`exchange ${index} has no number at ${field}`);
  return value;
}

/** The timestamp of the first metric in the request body of exchange `index`. */
export function recordedMetricTime(exchanges: readonly RecordedExchange[], index: number, metricIndex = 0): number {
  const metrics = requestBodyOf(exchanges, index).metrics as { timestamp: number }[] | undefined;
  const timestamp = metrics?.[metricIndex]?.timestamp;
  if (typeof timestamp !== 'number') throw new Error(`exchange ${index} has no metric ${metricIndex}`);
  return timestamp;
}

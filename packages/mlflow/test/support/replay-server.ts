import { isDeepStrictEqual } from 'node:util';
import { LoopbackServer, type ReceivedRequest, type Reply } from './loopback-server.js';
import { recordedBodyBytes, type RecordedExchange } from './recorded-exchanges.js';

/** The recorded answer of an exchange, as the loopback server sends it. */
export function recordedReply(exchange: RecordedExchange): Reply {
  const { response } = exchange;
  const headers: Record<string, string> = {};
  if (response.contentDisposition !== undefined) headers['content-disposition'] = response.contentDisposition;
  return {
    status: response.status,
    contentType: response.contentType,
    body: recordedBodyBytes(response.body, response.bodyEncoding),
    headers,
  };
}

/** A loopback server answering the n-th request with the n-th recorded answer (a 599 text answer past the end). */
export async function startReplayServer(exchanges: readonly RecordedExchange[]): Promise<LoopbackServer> {
  return LoopbackServer.start((_request, index) => {
    const exchange = exchanges[index];
    if (exchange === undefined) return { status: 599, contentType: 'text/plain', body: `replay exhausted at request ${index}` };
    return recordedReply(exchange);
  });
}

/** Whether a received request is the recorded one by method, path and query (bodies are left to the test). */
function sameTarget(request: ReceivedRequest, exchange: RecordedExchange): boolean {
  const recorded = exchange.request;
  return request.method === recorded.method && request.path === recorded.path && isDeepStrictEqual(request.query, recorded.query);
}

/**
 * A loopback server answering each request with the recorded answer to the same method, path and query, whatever the
 * order (a 599 text answer when no recorded request matches): for recordings that also hold requests today's client
 * no longer sends.
 */
export async function startMatchingServer(exchanges: readonly RecordedExchange[]): Promise<LoopbackServer> {
  return LoopbackServer.start((request) => {
    const exchange = exchanges.find((candidate) => sameTarget(request, candidate));
    if (exchange === undefined) {
      return { status: 599, contentType: 'text/plain', body: `no recorded exchange for ${request.method} ${request.path} ${JSON.stringify(request.query)}` };
    }
    return recordedReply(exchange);
  });
}

import { LoopbackServer, type Reply } from './loopback-server.js';
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

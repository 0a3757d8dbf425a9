import { expect } from 'vitest';
import type { ReceivedRequest } from './loopback-server.js';
import { recordedBodyBytes, type RecordedExchange } from './recorded-exchanges.js';

/**
 * Checks that what the client sent equals the recording, exchange by exchange: method, path, query, Content-Type
 * (present exactly when recorded) and body (JSON compared as data, raw bodies byte for byte).
 */
export function expectRequestsToMatch(received: readonly ReceivedRequest[], recorded: readonly RecordedExchange[]): void {
  expect(received.map((request) => `${request.method} ${request.path}`)).toEqual(
    recorded.map((exchange) => `${exchange.request.method} ${exchange.request.path}`),
  );
  received.forEach((request, index) => {
    const expected = recorded[index]!.request;
    const label = `request ${index} (${expected.method} ${expected.path})`;
    expect(request.query, `${label}: query`).toEqual(expected.query);
    expect(request.headers['content-type'], `${label}: content-type`).toBe(expected.headers['content-type']);
    if (expected.body === null) {
      expect(request.body.length, `${label}: empty body`).toBe(0);
    } else if (typeof expected.body === 'string') {
      expect(request.body.equals(recordedBodyBytes(expected.body, expected.bodyEncoding)), `${label}: raw body`).toBe(true);
    } else {
      expect(JSON.parse(request.body.toString('utf8')), `${label}: JSON body`).toEqual(expected.body);
    }
  });
}

import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MlflowClient, type RetryEvent } from '../src/index.js';
import { jsonReply, LoopbackServer, unusedPort } from './support/loopback-server.js';

const TOKEN = 'tok-SECRET-4a7f19';
const PASSWORD = 'pw-SECRET-93be02';
const secrets = [TOKEN, PASSWORD, Buffer.from(`ann:${PASSWORD}`).toString('base64'), 'SECRET'];

function everyRendering(value: unknown): string[] {
  const renderings = [String(value), inspect(value, { depth: Infinity, showHidden: true, getters: true }), JSON.stringify(value) ?? ''];
  if (value instanceof Error) renderings.push(value.stack ?? '', inspect(value.cause, { depth: Infinity, showHidden: true }));
  return renderings;
}

function expectNoSecret(value: unknown): void {
  for (const rendering of everyRendering(value)) {
    for (const secret of secrets) expect(rendering).not.toContain(secret);
  }
}

describe('credentials never show', () => {
  it('in toString, JSON or inspect of clients holding a token, a password or URI user info', async () => {
    const clients = [
      new MlflowClient({ trackingUri: 'http://127.0.0.1:1', token: TOKEN, env: {} }),
      new MlflowClient({ trackingUri: 'http://127.0.0.1:1', env: { MLFLOW_TRACKING_USERNAME: 'ann', MLFLOW_TRACKING_PASSWORD: PASSWORD } }),
      new MlflowClient({ trackingUri: `http://ann:${PASSWORD}@127.0.0.1:1`, env: {} }),
    ];
    for (const client of clients) {
      expectNoSecret(client);
      expectNoSecret(client.runs);
      expect(String(client)).toMatch(/^MlflowClient\(http:\/\/127\.0\.0\.1:1, (bearer token|basic user\/password) \(redacted\)\)$/);
      await client.close();
    }
  });

  it('in API errors, HTML errors, connection errors and retry events', async () => {
    const events: RetryEvent[] = [];
    const server = await LoopbackServer.start((request) => {
      if (request.path.endsWith('/runs/get')) return jsonReply(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no run' });
      if (request.path === '/health') return jsonReply(503, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'busy' });
      return { status: 405, contentType: 'text/html', body: '<h1>Method Not Allowed</h1>' };
    });
    const options = { env: {}, retry: { maxAttempts: 2, initialDelayMs: 1 }, onRetry: (event: RetryEvent) => events.push(event) };
    const clients = [
      new MlflowClient({ ...options, trackingUri: server.url, token: TOKEN }),
      new MlflowClient({ ...options, trackingUri: server.url.replace('http://', `http://ann:${PASSWORD}@`) }),
    ];
    const offline = new MlflowClient({ ...options, trackingUri: `http://ann:${PASSWORD}@127.0.0.1:${await unusedPort()}` });
    try {
      const errors: unknown[] = [];
      for (const client of clients) {
        errors.push(await client.runs.get('0'.repeat(32)).catch((thrown: unknown) => thrown));
        errors.push(await client.send({ method: 'GET', path: '/api/2.0/mlflow/runs/create' }).catch((thrown: unknown) => thrown));
        errors.push(await client.health().catch((thrown: unknown) => thrown));
      }
      errors.push(await offline.version().catch((thrown: unknown) => thrown));
      expect(errors.every((error) => error instanceof Error)).toBe(true);
      errors.forEach(expectNoSecret);
      expect(events.length).toBeGreaterThanOrEqual(3);
      events.forEach(expectNoSecret);
      expect(server.received.some((request) => request.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    } finally {
      for (const client of [...clients, offline]) await client.close();
      await server.close();
    }
  });
});

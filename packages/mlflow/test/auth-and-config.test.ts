import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MlflowClient, MlflowConfigError, MlflowConnectionError } from '../src/index.js';
import { LoopbackServer } from './support/loopback-server.js';

const ok = () => ({ status: 200, contentType: 'text/plain', body: 'OK' });

async function authorizationSent(options: ConstructorParameters<typeof MlflowClient>[0] & { env?: Record<string, string> }, url?: (server: LoopbackServer) => string) {
  const server = await LoopbackServer.start(ok);
  const client = new MlflowClient({ trackingUri: url?.(server) ?? server.url, env: {}, ...options, ...(url ? { trackingUri: url(server) } : {}) });
  try {
    await client.health();
    return server.received[0]!.headers.authorization;
  } finally {
    await client.close();
    await server.close();
  }
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('authentication, as MLflow clients do it', () => {
  it('sends no Authorization header without credentials', async () => {
    expect(await authorizationSent({})).toBeUndefined();
  });

  it('sends a Bearer token from the options or from MLFLOW_TRACKING_TOKEN', async () => {
    expect(await authorizationSent({ token: 'tok-1' })).toBe('Bearer tok-1');
    expect(await authorizationSent({ env: { MLFLOW_TRACKING_TOKEN: 'tok-2' } })).toBe('Bearer tok-2');
  });

  it('sends Basic credentials from MLFLOW_TRACKING_USERNAME/PASSWORD, which win over a token as in MLflow', async () => {
    expect(await authorizationSent({ env: { MLFLOW_TRACKING_USERNAME: 'ann', MLFLOW_TRACKING_PASSWORD: 'pw:1' } })).toBe(basic('ann', 'pw:1'));
    expect(
      await authorizationSent({ env: { MLFLOW_TRACKING_USERNAME: 'ann', MLFLOW_TRACKING_PASSWORD: 'pw', MLFLOW_TRACKING_TOKEN: 't' } }),
    ).toBe(basic('ann', 'pw'));
  });

  it('lets credentials in the options replace those of the environment entirely', async () => {
    expect(await authorizationSent({ token: 'mine', env: { MLFLOW_TRACKING_USERNAME: 'ann', MLFLOW_TRACKING_PASSWORD: 'pw' } })).toBe('Bearer mine');
  });

  it('uses user info of the tracking URI as Basic credentials and keeps it out of the URL', async () => {
    const server = await LoopbackServer.start(ok);
    const client = new MlflowClient({ trackingUri: server.url.replace('http://', 'http://bob:s%40fe@'), env: {} });
    try {
      expect(client.trackingUri).toBe(server.url);
      await client.health();
      expect(server.received[0]!.headers.authorization).toBe(basic('bob', 's@fe'));
    } finally {
      await client.close();
      await server.close();
    }
  });
});

describe('configuration', () => {
  it('reads the tracking URI from MLFLOW_TRACKING_URI and keeps a path prefix', async () => {
    const server = await LoopbackServer.start(ok);
    const client = new MlflowClient({ env: { MLFLOW_TRACKING_URI: `${server.url}/mlflow/` } });
    try {
      await client.version();
      expect(server.received[0]!.path).toBe('/mlflow/version');
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('reports missing or malformed settings by name, never echoing a password', () => {
    const cases: [ConstructorParameters<typeof MlflowClient>[0], RegExp][] = [
      [{ env: {} }, /MLFLOW_TRACKING_URI/],
      [{ env: { MLFLOW_TRACKING_URI: 'file:///tmp/mlruns' } }, /not an http\(s\) URL/],
      [{ env: { MLFLOW_TRACKING_URI: 'databricks' } }, /not a URL/],
      [{ trackingUri: 'https://u:hunter2@host/x?y=1', env: {} }, /query/],
      [{ trackingUri: 'http://h', env: { MLFLOW_TRACKING_USERNAME: 'u' } }, /MLFLOW_TRACKING_PASSWORD/],
      [{ trackingUri: 'http://h', password: 'hunter2', env: {} }, /username/],
      [{ trackingUri: 'http://h', env: { MLFLOW_TRACKING_INSECURE_TLS: 'maybe' } }, /MLFLOW_TRACKING_INSECURE_TLS/],
      [{ trackingUri: 'http://h', env: {}, timeoutMs: 0 }, /timeoutMs/],
    ];
    for (const [options, message] of cases) {
      const error = (() => {
        try {
          new MlflowClient(options);
        } catch (thrown) {
          return thrown;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(MlflowConfigError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});

describe('MLFLOW_TRACKING_INSECURE_TLS', () => {
  const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/tls/${name}`, import.meta.url)));

  it('refuses a self-signed certificate by default (without retrying) and accepts it when set', async () => {
    const server = createServer({ key: fixture('localhost-key.pem'), cert: fixture('localhost-cert.pem') }, (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const strict = new MlflowClient({ trackingUri: url, env: {}, retry: { initialDelayMs: 1 } });
    const insecure = new MlflowClient({ trackingUri: url, env: { MLFLOW_TRACKING_INSECURE_TLS: 'true' } });
    try {
      const error = await strict.health().catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(MlflowConnectionError);
      expect(error).toMatchObject({ attempts: 1 });
      expect((error as MlflowConnectionError).code).toMatch(/CERT/);
      expect(await insecure.health()).toBe('OK');
    } finally {
      await strict.close();
      await insecure.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

import { describe, expect, it } from 'vitest';
import { MlflowResponseError, MlflowValidationError, type RunStatus } from '../src/index.js';
import { jsonReply } from './support/loopback-server.js';
import { withHandler } from './support/with-server.js';

const RUN_ID = '0123456789abcdef0123456789abcdef';

describe('the client', () => {
  it('reads /health and /version as text', async () => {
    await withHandler((request) => ({ status: 200, contentType: 'text/plain', body: request.path === '/health' ? 'OK' : '2.12.2' }), async (client, server) => {
      expect(await client.health()).toBe('OK');
      expect(await client.version()).toBe('2.12.2');
      expect(server.received.map((request) => [request.method, request.path, request.headers['content-type']])).toEqual([
        ['GET', '/health', undefined],
        ['GET', '/version', undefined],
      ]);
    });
  });

  it('defaults empty answers: {} from search, history and listings means no items', async () => {
    await withHandler(() => jsonReply(200, {}), async (client) => {
      expect(await client.runs.search({ experimentIds: ['1'] })).toEqual({ runs: [], nextPageToken: undefined });
      expect(await client.experiments.search()).toEqual({ experiments: [], nextPageToken: undefined });
      expect(await client.runs.getMetricHistory(RUN_ID, 'unknown')).toEqual([]);
      expect(await client.artifacts.list(RUN_ID)).toEqual({ rootUri: undefined, files: [] });
      const all = [];
      for await (const run of client.runs.iterate({ experimentIds: ['1'] })) all.push(run);
      expect(all).toEqual([]);
    });
  });

  it('sends start_time and user_id on runs/create even when not given, and end_time with a final status', async () => {
    const run = { info: { run_id: RUN_ID, experiment_id: '1', status: 'RUNNING', artifact_uri: 'mlflow-artifacts:/1/x/artifacts' } };
    await withHandler((request) => jsonReply(200, request.path.endsWith('create') ? { run } : { run_info: run.info }), async (client, server) => {
      const before = Date.now();
      await client.runs.create({ experimentId: '1', parentRunId: 'a'.repeat(32) });
      const statuses: RunStatus[] = ['FINISHED', 'FAILED', 'KILLED'];
      for (const status of statuses) await client.runs.update({ runId: RUN_ID, status });
      await client.runs.update({ runId: RUN_ID, runName: 'renamed' });
      const bodies = server.received.map((request) => JSON.parse(request.body.toString('utf8')) as Record<string, unknown>);
      expect(bodies[0]).toMatchObject({ experiment_id: '1', user_id: 'tester', tags: [{ key: 'mlflow.parentRunId', value: 'a'.repeat(32) }] });
      expect(bodies[0]!.start_time).toBeGreaterThanOrEqual(before);
      expect(bodies.slice(1, 4).every((body) => typeof body.end_time === 'number')).toBe(true);
      expect(bodies[4]).toEqual({ run_id: RUN_ID, run_name: 'renamed' });
    });
  });

  it('names the endpoint and field of a malformed success answer', async () => {
    await withHandler((request) => {
      if (request.path.endsWith('/runs/get')) return jsonReply(200, { run: { info: { run_id: 5, experiment_id: '1' } } });
      if (request.path.endsWith('/experiments/create')) return { status: 200, contentType: 'text/html', body: '<p>proxy login</p>' };
      return jsonReply(200, { run_info: { run_id: RUN_ID, experiment_id: '1', status: 'PAUSED' } });
    }, async (client) => {
      await expect(client.runs.get(RUN_ID)).rejects.toThrow(/runs\/get: run\.info\.run_id: expected a string, got number 5/);
      await expect(client.experiments.create({ name: 'x' })).rejects.toThrow(/experiments\/create: expected a JSON body, got "proxy login"/);
      const error = await client.runs.update({ runId: RUN_ID, status: 'FINISHED' }).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(MlflowResponseError);
      expect((error as Error).message).toMatch(/run_info\.status.*PAUSED/);
    });
  });

  it('checks ids and page sizes before sending', async () => {
    await withHandler(() => jsonReply(200, {}), async (client, server) => {
      await expect(client.experiments.get(7 as unknown as string)).rejects.toBeInstanceOf(MlflowValidationError);
      await expect(client.runs.search({ experimentIds: [] })).rejects.toThrow(/experimentIds/);
      await expect(client.runs.search({ experimentIds: ['1'], maxResults: 50_001 })).rejects.toThrow(/maxResults/);
      await expect(client.experiments.getByName('')).rejects.toThrow(/name/);
      expect(server.received).toHaveLength(0);
    });
  });

  it('refuses to get-or-create into a deleted experiment', async () => {
    const experiment = { experiment_id: '4', name: 'old', artifact_location: 'x', lifecycle_stage: 'deleted' };
    await withHandler(() => jsonReply(200, { experiment }), async (client) => {
      await expect(client.experiments.getOrCreate('old')).rejects.toThrow(/'old' \(id 4\) exists but is deleted/);
    });
  });

  it('never sends a non-finite number as JSON (it would arrive as null), and finds no experiment as undefined', async () => {
    await withHandler(() => jsonReply(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'none' }), async (client, server) => {
      await expect(client.send({ method: 'POST', path: '/api/2.0/mlflow/x', json: { value: NaN } })).rejects.toThrow(
        /field 'value': NaN cannot be sent as JSON/,
      );
      expect(server.received).toHaveLength(0);
      expect(await client.experiments.findByName('nobody')).toBeUndefined();
    });
  });

  it('sends raw requests with the client credentials, and a JSON body with its Content-Type', async () => {
    await withHandler(() => jsonReply(200, { ok: true }), async (client, server) => {
      const response = await client.send({ method: 'POST', path: '/api/2.0/mlflow/experiments/restore', json: { experiment_id: '4' } });
      expect(response.json()).toEqual({ ok: true });
      expect(response.contentType).toBe('application/json');
      expect(server.received[0]!.headers['content-type']).toBe('application/json');
      expect(server.received[0]!.headers.authorization).toBe('Bearer t');
    }, { token: 't' });
  });
});

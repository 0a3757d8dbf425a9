import { describe, expect, it } from 'vitest';
import {
  LONG_PARAM_ARTIFACT_FOLDER,
  MAX_PARAM_VALUE_LENGTH,
  parseLongParamMarker,
  truncatedParamValue,
} from '../src/index.js';
import { jsonReply } from './support/loopback-server.js';
import { withHandler } from './support/with-server.js';

const RUN_ID = '9c577432483444b89013920fbeea82ca';
const ROOT = `mlflow-artifacts:/6/${RUN_ID}/artifacts`;
const runAnswer = (params: { key: string; value: string }[] = []) => ({
  run: {
    info: { run_id: RUN_ID, experiment_id: '6', status: 'RUNNING', artifact_uri: ROOT, lifecycle_stage: 'active' },
    data: { params },
  },
});

describe('params longer than 6000 characters', () => {
  it('marks the truncation at the end of a 6000-character value and can read the marker back', () => {
    const full = 'a'.repeat(6001);
    const logged = truncatedParamValue('long_param', full);
    expect(logged).toHaveLength(MAX_PARAM_VALUE_LENGTH);
    expect(logged.endsWith('…[truncated: 6001 characters; full value in artifact mlflow-long-params/long_param.txt]')).toBe(true);
    expect(full.startsWith(logged.slice(0, logged.indexOf('…')))).toBe(true);
    expect(parseLongParamMarker(logged)).toEqual({ fullLength: 6001, artifactPath: 'mlflow-long-params/long_param.txt' });
    expect(parseLongParamMarker('a'.repeat(6000))).toBeUndefined();
    expect(truncatedParamValue('k', full)).toBe(truncatedParamValue('k', full));
  });

  it('counts characters as MLflow (Python) does and never splits a surrogate pair', () => {
    const full = '😀'.repeat(7000);
    const logged = truncatedParamValue('emoji', full);
    expect([...logged]).toHaveLength(MAX_PARAM_VALUE_LENGTH);
    expect(logged).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(parseLongParamMarker(logged)?.fullLength).toBe(7000);
    expect(truncatedParamValue('emoji', '😀'.repeat(6000))).toContain('truncated');
  });

  it('logParam stores the whole value as an artifact first, then logs the marked truncation', async () => {
    const full = 'x'.repeat(5000) + 'y'.repeat(2000);
    await withHandler((request) => (request.path.endsWith('/runs/get') ? jsonReply(200, runAnswer()) : jsonReply(200, {})), async (client, server) => {
      await client.runs.logParam(RUN_ID, 'model/config', full);
      const [lookup, upload, log] = server.received;
      expect(lookup!.query).toEqual({ run_id: RUN_ID });
      expect(upload!.method).toBe('PUT');
      expect(upload!.path).toBe(
        `/api/2.0/mlflow-artifacts/artifacts/6/${RUN_ID}/artifacts/${LONG_PARAM_ARTIFACT_FOLDER}/model/config.txt`,
      );
      expect(upload!.body.toString('utf8')).toBe(full);
      expect(JSON.parse(log!.body.toString('utf8'))).toEqual({
        run_id: RUN_ID,
        key: 'model/config',
        value: truncatedParamValue('model/config', full),
      });
      expect(server.received).toHaveLength(3);
    });
  });

  it('logBatch uploads every long param before the batch, using the artifact root known from runs/create', async () => {
    await withHandler((request) => (request.path.endsWith('/runs/create') ? jsonReply(200, runAnswer()) : jsonReply(200, {})), async (client, server) => {
      await client.runs.create({ experimentId: '6', startTime: 1 });
      await client.runs.logBatch(RUN_ID, { params: { a: 'A'.repeat(6001), b: 'short', c: 'C'.repeat(9000) } });
      expect(server.received.map((request) => `${request.method} ${request.path.split('/').slice(-2).join('/')}`)).toEqual([
        'POST runs/create',
        'PUT mlflow-long-params/a.txt',
        'PUT mlflow-long-params/c.txt',
        'POST runs/log-batch',
      ]);
      const params = JSON.parse(server.received[3]!.body.toString('utf8')).params as { key: string; value: string }[];
      expect(params.map((param) => [param.key, param.value.length])).toEqual([
        ['a', 6000],
        ['b', 5],
        ['c', 6000],
      ]);
    });
  });

  it('getParamValue reads a truncated param back whole from its artifact', async () => {
    const full = 'z'.repeat(6500);
    const logged = truncatedParamValue('p', full);
    await withHandler(
      (request) =>
        request.path.endsWith('/runs/get')
          ? jsonReply(200, runAnswer([{ key: 'p', value: logged }, { key: 'q', value: 'plain' }]))
          : { status: 200, contentType: 'text/plain', body: full },
      async (client, server) => {
        const run = await client.runs.get(RUN_ID);
        expect(await client.runs.getParamValue(run, 'p')).toBe(full);
        expect(await client.runs.getParamValue(run, 'q')).toBe('plain');
        expect(await client.runs.getParamValue(run, 'missing')).toBeUndefined();
        expect(server.received[1]!.path).toBe(`/api/2.0/mlflow-artifacts/artifacts/6/${RUN_ID}/artifacts/mlflow-long-params/p.txt`);
        expect(server.received).toHaveLength(2);
      },
    );
  });
});

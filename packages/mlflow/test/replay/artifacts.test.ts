import { describe, expect, it } from 'vitest';
import { MlflowValidationError } from '../../src/index.js';
import { CONFIG_JSON, driveArtifacts, WEIGHTS } from '../scenarios/artifacts.js';
import { expectRequestsToMatch } from '../support/expect-requests.js';
import { loadScenario } from '../support/recorded-exchanges.js';
import { recordedNumber, requestBodyOf, withReplay } from '../support/with-server.js';

const { exchanges } = loadScenario('artifacts');
const experimentName = requestBodyOf(exchanges, 0).name as string;
const runId = '60d75afc08634d789cce473ac111e690';

describe('recorded artifacts exchanges (MLflow 2.12.2)', () => {
  it('uploads through the proxy path of the run, lists both ways and downloads bytes', async () => {
    await withReplay(exchanges, async (client, server) => {
      const result = await driveArtifacts(client, experimentName, recordedNumber(exchanges, 1, 'start_time'));
      expect(result.proxyRoot).toEqual([
        { path: 'config', isDir: true, fileSize: undefined },
        { path: 'weights.bin', isDir: false, fileSize: 8 },
      ]);
      expect(result.proxyConfig).toEqual([{ path: 'cfg.json', isDir: false, fileSize: 78 }]);
      expect(result.listedRoot).toEqual({ rootUri: `mlflow-artifacts:/5/${runId}/artifacts`, files: result.proxyRoot });
      expect(result.listedConfig.files).toEqual([{ path: 'config/cfg.json', isDir: false, fileSize: 78 }]);
      expect(new TextDecoder().decode(result.configBytes)).toBe(CONFIG_JSON);
      expect(result.weightsBytes).toEqual(WEIGHTS);
      expectRequestsToMatch(server.received, exchanges);
    });
  });

  it('percent-encodes path segments and refuses paths that leave the run or URIs the proxy does not serve', async () => {
    await withReplay([exchanges[2]!], async (client, server) => {
      const root = `mlflow-artifacts:/5/${runId}/artifacts`;
      await client.artifacts.upload(root, 'my dir/a+b#1.txt', 'x');
      expect(server.received[0]!.path).toBe(`/api/2.0/mlflow-artifacts/artifacts/5/${runId}/artifacts/my dir/a+b#1.txt`);
      expect(server.received[0]!.headers['content-type']).toBe('text/plain; charset=utf-8');
      for (const path of ['../escape', '/abs', 'a//b', 'a/./b', '']) {
        await expect(client.artifacts.upload(root, path, 'x')).rejects.toBeInstanceOf(MlflowValidationError);
      }
      await expect(client.artifacts.download('s3://bucket/5/run/artifacts', 'a.txt')).rejects.toThrow(/artifact proxy/);
      expect(server.received).toHaveLength(1);
    });
  });
});

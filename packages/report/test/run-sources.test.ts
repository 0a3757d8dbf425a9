import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildComparison } from '../src/comparison/build-comparison.js';
import { LocalRunSource } from '../src/runs/local-run-source.js';
import { openRunSource } from '../src/runs/open-run-source.js';
import { ExperimentNotFoundError } from '../src/runs/run-source.js';
import { ServerRunSource } from '../src/runs/server-run-source.js';
import { readMlrunsStore } from '../../tracking/src/mlruns/read-mlruns-store.js';
import { makeTempFolder, type TempFolder } from '../../tracking/test/temp-store.js';
import { startFakeMlflowServer, type FakeMlflowServer } from './support/fake-mlflow-server.js';
import { writeFixtureRuns } from './support/fixture-runs.js';
import { temperatureSweep } from './support/sweep-fixtures.js';

let store: TempFolder;
let server: FakeMlflowServer;

beforeAll(async () => {
  store = await makeTempFolder('kdlab-sources-');
  await writeFixtureRuns(store.path, 'kd-sweep', temperatureSweep());
  server = await startFakeMlflowServer(await readMlrunsStore(store.path));
});
afterAll(async () => {
  await server.close();
  await store.remove();
});

describe('run sources', () => {
  it('reads the same comparison from an MLflow server (paged listing, curve histories fetched) as from the local store', async () => {
    const local = await new LocalRunSource(store.path).loadExperimentRuns('kd-sweep');
    const source = openRunSource(server.url);
    expect(source).toBeInstanceOf(ServerRunSource);
    expect(source.description).toBe(server.url);
    try {
      const remote = await source.loadExperimentRuns('kd-sweep', { historyKeys: ['val/accuracy'] });
      expect(remote.runs.map((run) => run.runId).sort()).toEqual(local.runs.map((run) => run.runId).sort());
      expect(server.requests.filter((request) => request === 'POST /api/2.0/mlflow/runs/search')).toHaveLength(4); // 17 runs, pages of 5
      const withoutSource = ({ source: _source, ...rest }: ReturnType<typeof buildComparison>) => rest;
      expect(withoutSource(buildComparison(remote))).toEqual(withoutSource(buildComparison(local)));
      const distilled = remote.runs.find((run) => run.runName === 'distilled-t4-s1')!;
      expect(distilled.metrics['val/accuracy']!.map((point) => point.step)).toEqual([1, 2, 3]);
      expect(distilled.metrics['test/accuracy']).toHaveLength(1);
      await expect(source.loadExperimentRuns('kd-nope')).rejects.toThrow(ExperimentNotFoundError);
    } finally {
      await source.close();
    }
  });

  it('reads whole curve histories from an MLflow 3.4-3.13 server, which answers get-history without max_results with a page token only', async () => {
    const mlflow3 = await startFakeMlflowServer(await readMlrunsStore(store.path), 5, 'mlflow-3.6');
    const source = openRunSource(mlflow3.url);
    try {
      const local = await new LocalRunSource(store.path).loadExperimentRuns('kd-sweep');
      const remote = await source.loadExperimentRuns('kd-sweep', { historyKeys: ['val/accuracy'] });
      const curves = (runs: typeof local.runs) => Object.fromEntries(runs.map((run) => [run.runId, run.metrics['val/accuracy']?.map(({ step, value }) => [step, value])]));
      expect(curves(remote.runs)).toEqual(curves(local.runs));
      expect(remote.runs.find((run) => run.runName === 'distilled-t4-s1')!.metrics['val/accuracy']).toHaveLength(3);
    } finally {
      await source.close();
      await mlflow3.close();
    }
  });

  it('opens the local store for a path, a file: URI or nothing (./mlruns), and names a missing store', async () => {
    for (const uri of [store.path, `file://${store.path}`]) {
      const source = openRunSource(uri);
      expect(source).toBeInstanceOf(LocalRunSource);
      expect((await source.loadExperimentRuns('kd-sweep')).runs).toHaveLength(17);
    }
    const fallback = openRunSource(undefined, '/nonexistent-kdlab-folder');
    expect(fallback.description).toBe('./mlruns');
    await expect(fallback.loadExperimentRuns('kd-sweep')).rejects.toThrow(
      "No experiment named 'kd-sweep' in ./mlruns (there is no store at /nonexistent-kdlab-folder/mlruns).",
    );
    expect(() => openRunSource('s3://bucket/mlruns')).toThrow(/scheme 's3:'/);
  });
});

import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MlflowClient } from '@kdlab/mlflow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readMlrunsStore } from '@kdlab/tracking';
import { pushLedgerPath, pushStore, type PushOutcome, type PushReport } from '../../src/push/index.js';
import { FakeMlflowServer } from '../remote/support/fake-mlflow-server.js';
import { makeTempFolder, type TempFolder } from '../temp-store.js';
import { copiesOf, copyOf, localView, serverView } from './support/push-checks.js';
import { LONG_PARAM, MISSING_RUN_ID, WEIGHTS, writePushFixtureStore, type PushFixtureIds } from './support/push-fixture-store.js';

let server: FakeMlflowServer;
let temp: TempFolder;
let store: string;
let ids: PushFixtureIds;
let endRunning: () => Promise<void>;

beforeEach(async () => {
  server = await FakeMlflowServer.start();
  temp = await makeTempFolder('kdlab-push-');
  store = join(temp.path, 'mlruns');
  const written = await writePushFixtureStore(store);
  ids = written.ids;
  endRunning = async () => {
    await written.running.end('FINISHED');
    await written.tracker.close();
  };
});
afterEach(async () => {
  await server.stop();
  await temp.remove();
});

async function push(options: { experiments?: string[]; dryRun?: boolean } = {}): Promise<PushReport> {
  const client = new MlflowClient({ trackingUri: server.url, env: {}, userId: 'pusher', retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 5 } });
  try {
    return await pushStore({ storeRoot: store, client, ...options });
  } finally {
    await client.close();
  }
}

const kinds = (report: PushReport): Record<string, PushOutcome['kind']> => Object.fromEntries(report.outcomes.map((outcome) => [outcome.runName === 'sweep' ? `${outcome.experimentName}/sweep` : outcome.runName, outcome.kind]));
const serverIdOf = (localRunId: string): string => copyOf(server, localRunId)!.info.run_id;
const pushable = (): (keyof PushFixtureIds)[] => ['teacher', 'teacher2', 'sweep', 'baseline', 'distilled1', 'distilled2', 'ensemble', 'distilled3'];

describe('pushStore', () => {
  it('copies every finished run whole: ids mapped, parents and referenced runs first, links rewritten, artifacts uploaded', async () => {
    const report = await push();
    // baseline-s0 appears twice (kd-sweep copied, in-progress skipped), in no fixed order: it is checked by id below.
    const { 'baseline-s0': _twice, ...named } = kinds(report);
    expect(named).toEqual({
      teacher: 'copied',
      'teacher-2': 'copied',
      'kd-sweep/sweep': 'copied',
      'distilled-t4-s0': 'copied',
      'distilled-t8-s0': 'copied',
      ensemble: 'copied',
      'distilled-ensemble': 'copied',
      'in-progress/sweep': 'skipped',
    });
    const byId = new Map(report.outcomes.map((outcome) => [outcome.localRunId, outcome]));
    expect(byId.get(ids.baseline)!.kind).toBe('copied');
    expect(byId.get(ids.running)).toMatchObject({ kind: 'skipped', reason: 'still RUNNING' });
    expect(byId.get(ids.runningChild)).toMatchObject({ kind: 'skipped', reason: `waits for run ${ids.running} (sweep), which is still RUNNING` });
    expect(report.unknownReferences).toEqual([{ runId: ids.distilled3, referencedRunId: MISSING_RUN_ID }]);

    const local = new Map((await readMlrunsStore(store)).runs.map((run) => [run.info.runId, run]));
    for (const role of pushable()) {
      expect(copiesOf(server, ids[role]), role).toBe(1);
      expect(serverView(server, copyOf(server, ids[role])!), role).toEqual(localView(local.get(ids[role])!));
    }
    expect(copyOf(server, ids.running)).toBeUndefined();
    expect(copyOf(server, ids.runningChild)).toBeUndefined();

    // Links hold the server's ids.
    const distilled1 = copyOf(server, ids.distilled1)!;
    expect(distilled1.tags.get('mlflow.parentRunId')).toBe(serverIdOf(ids.sweep));
    expect(distilled1.tags.get('kdlab.teacher_run_id')).toBe(serverIdOf(ids.teacher));
    expect(distilled1.tags.get('kdlab.baseline_run_id')).toBe(serverIdOf(ids.baseline));
    expect(copyOf(server, ids.ensemble)!.tags.get('kdlab.member_run_ids')).toBe(`${serverIdOf(ids.teacher)},${serverIdOf(ids.teacher2)}`);
    expect(copyOf(server, ids.distilled3)!.tags.get('kdlab.teacher_run_id')).toBe(serverIdOf(ids.ensemble));
    expect(copyOf(server, ids.distilled3)!.tags.get('kdlab.baseline_run_id')).toBe(MISSING_RUN_ID);

    // Parents are created with their link, before the runs that name them.
    const created = server.requestsTo('runs/create').map((request) => JSON.parse(request.body.toString('utf8')) as { tags: { key: string; value: string }[] });
    const createdSource = created.map((body) => body.tags.find((tag) => tag.key === 'kdlab.source_run_id')!.value);
    expect(createdSource.indexOf(ids.sweep)).toBeLessThan(createdSource.indexOf(ids.baseline));
    expect(createdSource.indexOf(ids.baseline)).toBeLessThan(createdSource.indexOf(ids.distilled1));
    expect(createdSource.indexOf(ids.teacher2)).toBeLessThan(createdSource.indexOf(ids.ensemble));
    expect(created[createdSource.indexOf(ids.baseline)]!.tags).toContainEqual({ key: 'mlflow.parentRunId', value: serverIdOf(ids.sweep) });

    // Artifacts arrive byte for byte, the long param's full text with them.
    const artifact = (localRunId: string, path: string): Buffer | undefined => {
      const run = copyOf(server, localRunId)!;
      return server.artifacts.get(`${run.info.experiment_id}/${run.info.run_id}/artifacts/${path}`);
    };
    expect(artifact(ids.teacher, 'model/weights.bin')).toEqual(Buffer.from(WEIGHTS));
    expect(artifact(ids.teacher, 'model/model.json')?.toString('utf8')).toBe('{"format":"layers-model"}');
    expect(artifact(ids.distilled1, 'config.json')?.toString('utf8')).toBe('{"temperature":4}');
    expect(artifact(ids.distilled2, '_full_values/params/config.txt')?.toString('utf8')).toBe(LONG_PARAM);
    expect(byId.get(ids.teacher)).toMatchObject({ kind: 'copied', origin: 'created', params: 2, artifacts: 3, metricValues: 6 });

    // Experiments found or created by name.
    expect([...server.experiments.values()].map((experiment) => experiment.name).sort()).toEqual(['kd-sweep', 'teachers']);
  });

  it('copies nothing again on a second push, without a request to the server; a run that has since ended goes then', async () => {
    await push();
    const requests = server.requests.length;
    const again = await push();
    expect(again.outcomes.filter((outcome) => outcome.kind === 'copied')).toEqual([]);
    expect(again.outcomes.filter((outcome) => outcome.kind === 'already-pushed')).toHaveLength(pushable().length);
    expect(server.requests).toHaveLength(requests);

    await endRunning();
    const third = await push();
    expect(third.outcomes.filter((outcome) => outcome.kind === 'copied').map((outcome) => outcome.localRunId)).toEqual([ids.running, ids.runningChild]);
    expect(copyOf(server, ids.runningChild)!.tags.get('mlflow.parentRunId')).toBe(serverIdOf(ids.running));
    expect(server.runs.size).toBe(pushable().length + 2);
  });

  it('resumes an interrupted push (the server failing mid-run) under the same server id, without duplicates', async () => {
    const failedRun = ids.distilled1;
    server.failWhen = (request) => request.method === 'PUT' && request.path.includes('/artifacts/config.json') && copyOf(server, failedRun)?.info.run_id !== undefined && request.path.includes(copyOf(server, failedRun)!.info.run_id);
    const first = await push();
    const byId = new Map(first.outcomes.map((outcome) => [outcome.localRunId, outcome]));
    expect(byId.get(failedRun)).toMatchObject({ kind: 'failed' });
    expect(first.stoppedBecause).toMatch(/server is unavailable.*503|TEMPORARILY_UNAVAILABLE/);
    expect(first.outcomes.filter((outcome) => outcome.kind === 'not-attempted').length).toBeGreaterThan(0);
    const interrupted = copyOf(server, failedRun)!;
    expect(interrupted.info.status).toBe('RUNNING');
    const ledger = JSON.parse(await readFile(pushLedgerPath(store, server.url), 'utf8')) as { runs: Record<string, { state: string; serverRunId: string }> };
    expect(ledger.runs[failedRun]).toEqual({ serverRunId: interrupted.info.run_id, serverExperimentId: interrupted.info.experiment_id, state: 'copying' });

    server.failWhen = undefined;
    const second = await push();
    const resumed = second.outcomes.find((outcome) => outcome.localRunId === failedRun)!;
    expect(resumed).toMatchObject({ kind: 'copied', origin: 'resumed', serverRunId: interrupted.info.run_id });
    expect(second.outcomes.filter((outcome) => outcome.kind === 'failed')).toEqual([]);
    const local = new Map((await readMlrunsStore(store)).runs.map((run) => [run.info.runId, run]));
    for (const role of pushable()) {
      expect(copiesOf(server, ids[role]), role).toBe(1);
      expect(serverView(server, copyOf(server, ids[role])!), role).toEqual(localView(local.get(ids[role])!));
    }
    expect(server.runs.size).toBe(pushable().length);
  });

  it('finds the copies of a push whose ledger was lost by their kdlab.source_run_id tag, and makes no second run', async () => {
    await push();
    await rm(pushLedgerPath(store, server.url));
    const again = await push();
    expect(new Set(again.outcomes.filter((outcome) => outcome.kind === 'copied').map((outcome) => (outcome.kind === 'copied' ? outcome.origin : '')))).toEqual(new Set(['found']));
    expect(server.runs.size).toBe(pushable().length);
    expect(server.requestsTo('runs/create')).toHaveLength(pushable().length);
  });

  it('goes on past a run the server refuses, leaving the runs that name it for the next push', async () => {
    server.failWhen = undefined;
    server.refuseWhen = (request) => request.path.endsWith('/runs/log-batch') && request.body.toString('utf8').includes(`"value":"${ids.baseline}"`);
    const first = await push({ experiments: ['kd-sweep'] });
    const byId = new Map(first.outcomes.map((outcome) => [outcome.localRunId, outcome]));
    expect(byId.get(ids.baseline)).toMatchObject({ kind: 'failed' });
    expect(byId.get(ids.distilled1)).toMatchObject({ kind: 'skipped', reason: `waits for run ${ids.baseline}, which failed to copy` });
    expect(byId.get(ids.ensemble)).toMatchObject({ kind: 'copied' });
    expect(first.stoppedBecause).toBeUndefined();

    server.refuseWhen = undefined;
    const second = await push({ experiments: ['kd-sweep'] });
    expect(second.outcomes.filter((outcome) => outcome.kind === 'copied').map((outcome) => outcome.localRunId).sort()).toEqual([ids.baseline, ids.distilled1, ids.distilled2].sort());
    expect(copiesOf(server, ids.baseline)).toBe(1);
  });

  it('pushes only the experiments asked for, with the runs they name from other experiments', async () => {
    const report = await push({ experiments: ['kd-sweep'] });
    const teacher = report.outcomes.find((outcome) => outcome.localRunId === ids.teacher)!;
    expect(teacher).toMatchObject({ kind: 'copied', experimentName: 'teachers', neededBy: ids.distilled1 });
    expect(report.outcomes.some((outcome) => outcome.experimentName === 'in-progress')).toBe(false);
    expect(copyOf(server, ids.runningChild)).toBeUndefined();
  });

  it('in a dry run, lists what would be copied and sends and writes nothing', async () => {
    const report = await push({ dryRun: true });
    expect(report.outcomes.filter((outcome) => outcome.kind === 'would-copy')).toHaveLength(pushable().length);
    expect(server.requests).toEqual([]);
    await expect(readFile(pushLedgerPath(store, server.url))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MlrunsTracker, readMlrunsStore, validateMlrunsStore } from '@kdlab/tracking';
import { makeTempFolder, type TempFolder } from './temp-store.js';

const T0 = 1_700_000_000_000;
let temp: TempFolder;
let root: string;

beforeEach(async () => {
  temp = await makeTempFolder();
  root = join(temp.path, 'mlruns');
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
});

afterEach(async () => {
  vi.useRealTimers();
  await temp.remove();
});

const text = (...parts: string[]): Promise<string> => readFile(join(...parts), 'utf8');

describe('MlrunsTracker layout', () => {
  it('creates the store with the Default experiment, as MLflow does', async () => {
    const tracker = new MlrunsTracker({ location: root });
    const run = await tracker.startRun({ experimentName: 'Default', runName: 'first' });
    expect(run.experimentId).toBe('0');
    expect(await text(root, '0', 'meta.yaml')).toBe(
      [
        `artifact_location: ${pathToFileURL(join(root, '0')).href}`,
        `creation_time: ${T0}`,
        "experiment_id: '0'",
        `last_update_time: ${T0}`,
        'lifecycle_stage: active',
        'name: Default',
        '',
      ].join('\n'),
    );
    expect((await stat(join(root, '.trash'))).isDirectory()).toBe(true);
  });

  it('writes a run byte for byte: meta.yaml, params, tags, metrics with NaN and infinities, key sub-folders, artifacts', async () => {
    const tracker = new MlrunsTracker({ location: `file:${root}` });
    const run = await tracker.startRun({ experimentName: 'kd sweep', runName: 'hinton T=4: yes', startTime: T0 - 5, tags: { 'mlflow.user': 'alice', note: "it's" } });
    expect(run.runId).toMatch(/^[0-9a-f]{32}$/);
    expect(run.experimentId).toMatch(/^[1-9][0-9]{17}$/);
    const experimentFolder = join(root, run.experimentId);
    const runFolder = join(experimentFolder, run.runId);
    const artifactUri = `${pathToFileURL(experimentFolder).href}/${run.runId}/artifacts`;
    const runningMeta = [
      `artifact_uri: ${artifactUri}`,
      'deleted_time: null',
      'end_time: null',
      "entry_point_name: ''",
      `experiment_id: '${run.experimentId}'`,
      'lifecycle_stage: active',
      `run_id: ${run.runId}`,
      "run_name: 'hinton T=4: yes'",
      `run_uuid: ${run.runId}`,
      "source_name: ''",
      'source_type: 4',
      "source_version: ''",
      `start_time: ${T0 - 5}`,
      'status: 1',
      'tags: []',
      'user_id: alice',
      '',
    ];
    // An all-digit run id (odds ~3e-7) would be quoted like a number; compare without such quotes.
    expect((await text(runFolder, 'meta.yaml')).replace(/^(run_id|run_uuid): '(.*)'$/gm, '$1: $2')).toBe(runningMeta.join('\n'));
    expect(await text(experimentFolder, 'meta.yaml')).toContain("name: kd sweep\n");

    await run.logParams({ temperature: 4, 'loss/soft weight': 0.7, augment: false, optimizer: 'adam' });
    await run.logMetrics([
      { key: 'train/loss', value: 2.5, step: 0, timestamp: T0 + 1 },
      { key: 'train/loss', value: NaN, step: 1, timestamp: T0 + 2 },
      { key: 'val/accuracy', value: 0.91, step: 1 },
    ]);
    await run.logMetrics([
      { key: 'train/loss', value: Infinity, step: 2, timestamp: T0 + 3 },
      { key: 'train/loss', value: -Infinity, step: 3, timestamp: T0 + 4 },
      { key: 'train/loss', value: 1e-5, step: 4, timestamp: T0 + 5 },
      { key: 'train/loss', value: 1, step: 5, timestamp: T0 + 6 },
    ]);
    await run.setTags({ 'mlflow.note.content': '# Notes\nline two' });
    await run.logArtifact('model/model.json', '{"format":"layers-model"}');
    await run.logArtifact('weights.bin', new Uint8Array([0, 1, 2, 255]));
    vi.setSystemTime(T0 + 1000);
    await run.end('FINISHED');

    expect(await text(runFolder, 'metrics', 'train', 'loss')).toBe(
      `${T0 + 1} 2.5 0\n${T0 + 2} nan 1\n${T0 + 3} inf 2\n${T0 + 4} -inf 3\n${T0 + 5} 1e-05 4\n${T0 + 6} 1.0 5\n`,
    );
    expect(await text(runFolder, 'metrics', 'val', 'accuracy')).toBe(`${T0} 0.91 1\n`);
    expect(await text(runFolder, 'params', 'temperature')).toBe('4');
    expect(await text(runFolder, 'params', 'loss', 'soft weight')).toBe('0.7');
    expect(await text(runFolder, 'params', 'augment')).toBe('false');
    expect(await text(runFolder, 'params', 'optimizer')).toBe('adam');
    expect(await text(runFolder, 'tags', 'mlflow.runName')).toBe('hinton T=4: yes');
    expect(await text(runFolder, 'tags', 'mlflow.user')).toBe('alice');
    expect(await text(runFolder, 'tags', 'note')).toBe("it's");
    expect(await text(runFolder, 'tags', 'mlflow.note.content')).toBe('# Notes\nline two');
    expect(await text(runFolder, 'artifacts', 'model', 'model.json')).toBe('{"format":"layers-model"}');
    expect([...(await readFile(join(runFolder, 'artifacts', 'weights.bin')))]).toEqual([0, 1, 2, 255]);
    const endedMeta = (await text(runFolder, 'meta.yaml')).split('\n');
    expect(endedMeta).not.toContain('deleted_time: null');
    expect(endedMeta).toContain(`end_time: ${T0 + 1000}`);
    expect(endedMeta).toContain('status: 3');
    expect(endedMeta.length).toBe(runningMeta.length - 1);

    const store = await readMlrunsStore(root);
    const stored = store.runs.find((candidate) => candidate.info.runId === run.runId);
    expect(stored?.info).toMatchObject({ status: 'FINISHED', startTime: T0 - 5, endTime: T0 + 1000, runName: 'hinton T=4: yes', userId: 'alice', artifactUri });
    expect(stored?.metrics['train/loss']?.map((point) => point.value)).toEqual([2.5, NaN, Infinity, -Infinity, 1e-5, 1]);
    expect(await validateMlrunsStore(root)).toEqual([]);
    await tracker.close();
  });

  it('leaves no temporary or empty files behind, only claim files in the root', async () => {
    const tracker = new MlrunsTracker({ location: root });
    const run = await tracker.startRun({ experimentName: 'e', runName: 'r' });
    await run.logMetrics([{ key: 'a', value: 1, step: 0 }]);
    await run.end('FINISHED');
    const rootFiles = (await readdir(root, { withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => entry.name);
    expect(rootFiles).toHaveLength(1);
    expect(rootFiles[0]).toMatch(/^\.kdlab-experiment-[0-9a-f]{64}-1$/);
    const files = await readdir(root, { recursive: true, withFileTypes: true });
    for (const file of files.filter((entry) => entry.isFile())) {
      expect((await stat(join(file.parentPath, file.name))).size, file.name).toBeGreaterThan(0);
    }
  });
});

describe('MlrunsTracker behaviour', () => {
  it('finds an existing experiment by name instead of creating another', async () => {
    const first = await new MlrunsTracker({ location: root }).startRun({ experimentName: 'same', runName: 'a' });
    const second = await new MlrunsTracker({ location: root }).startRun({ experimentName: 'same', runName: 'b' });
    expect(second.experimentId).toBe(first.experimentId);
    const store = await readMlrunsStore(root);
    expect(store.experiments.map((experiment) => experiment.name).sort()).toEqual(['Default', 'same']);
  });

  it('moves through status transitions: RUNNING, then one final status; end is idempotent', async () => {
    const tracker = new MlrunsTracker({ location: root });
    const run = await tracker.startRun({ experimentName: 'e', runName: 'r' });
    const meta = (): Promise<string> => text(root, run.experimentId, run.runId, 'meta.yaml');
    expect(await meta()).toContain('status: 1\n');
    expect(await meta()).toContain('end_time: null\n');
    vi.setSystemTime(T0 + 50);
    await run.end('KILLED');
    vi.setSystemTime(T0 + 99);
    await run.end('FINISHED');
    expect(await meta()).toContain('status: 5\n');
    expect(await meta()).toContain(`end_time: ${T0 + 50}\n`);
    await expect(run.logMetrics([{ key: 'late', value: 1, step: 0 }])).rejects.toThrow(/has ended: cannot log metrics/);
    const failed = await tracker.startRun({ experimentName: 'e', runName: 'f' });
    await failed.end('FAILED');
    expect(await text(root, failed.experimentId, failed.runId, 'meta.yaml')).toContain('status: 4\n');
    await expect(failed.end('DONE' as never)).rejects.toThrow(/cannot end with status 'DONE'/);
  });

  it('keeps params immutable as MLflow does: the same value again is fine, a different one is an error naming both', async () => {
    const run = await new MlrunsTracker({ location: root }).startRun({ experimentName: 'e', runName: 'r' });
    await run.logParams({ lr: 0.1 });
    await run.logParams({ lr: '0.1' });
    await expect(run.logParams({ batch: 32, lr: 0.2 })).rejects.toThrow(
      `Param 'lr' of run ${run.runId} was already logged with value '0.1'; it cannot change to '0.2'`,
    );
    expect(await text(root, run.experimentId, run.runId, 'params', 'lr')).toBe('0.1');
    expect(await readdir(join(root, run.experimentId, run.runId, 'params'))).toEqual(['lr']);
  });

  it('rejects bad keys with a clear error and writes nothing of the batch', async () => {
    const run = await new MlrunsTracker({ location: root }).startRun({ experimentName: 'e', runName: 'r' });
    await expect(run.logMetrics([{ key: 'ok', value: 1, step: 0 }, { key: '../escape', value: 1, step: 0 }])).rejects.toThrow(
      "Invalid metric key '../escape' is path-like",
    );
    await expect(run.logParams({ 'a:b': 1 })).rejects.toThrow("Invalid param key 'a:b' has a character other than");
    await expect(run.setTags({ ['x'.repeat(251)]: 'v' })).rejects.toThrow(/tag key 'x+\.\.\.' has 251 characters, more than 250/);
    await expect(run.logMetrics([{ key: 'a', value: 1, step: 1.5 }])).rejects.toThrow("Metric 'a' of run");
    await expect(run.logMetrics([{ key: 'a', value: 1, step: 0, timestamp: -1 }])).rejects.toThrow(/timestamp must be a non-negative integer/);
    expect(await readdir(join(root, run.experimentId, run.runId, 'metrics'))).toEqual([]);
  });

  it('names the clash when one key is both a value and a folder of keys', async () => {
    const run = await new MlrunsTracker({ location: root }).startRun({ experimentName: 'e', runName: 'r' });
    await run.logMetrics([{ key: 'train/loss', value: 1, step: 0 }]);
    await expect(run.logMetrics([{ key: 'train', value: 1, step: 0 }])).rejects.toThrow(/metrics\/train': it or one of its parent folders clashes/);
    await run.logParams({ a: 1 });
    await expect(run.logParams({ 'a/b': 1 })).rejects.toThrow(/a key cannot name both a value and a folder of keys/);
  });

  it('refuses artifact paths that leave the run', async () => {
    const run = await new MlrunsTracker({ location: root }).startRun({ experimentName: 'e', runName: 'r' });
    await expect(run.logArtifact('../meta.yaml', 'x')).rejects.toThrow("Artifact path '../meta.yaml' contains '..'");
    await expect(run.logArtifact('a/../../x', 'x')).rejects.toThrow(/contains '\.\.'/);
    await expect(run.logArtifact('/etc/passwd', 'x')).rejects.toThrow(/is absolute/);
    await expect(run.logArtifact('a\\..\\..\\x', 'x')).rejects.toThrow(/contains '\\'/);
    await expect(run.logArtifact('', 'x')).rejects.toThrow(/is empty/);
    await expect(run.logArtifact('dir/', 'x')).rejects.toThrow(/names a folder/);
    expect(await readdir(join(root, run.experimentId, run.runId, 'artifacts'))).toEqual([]);
    expect(await readFile(join(root, run.experimentId, run.runId, 'meta.yaml'), 'utf8')).toContain('status: 1');
  });

  it('writes nested runs with mlflow.parentRunId and checks the parent exists', async () => {
    const tracker = new MlrunsTracker({ location: root });
    const parent = await tracker.startRun({ experimentName: 'sweep', runName: 'sweep' });
    const child = await tracker.startRun({ experimentName: 'sweep', runName: 'T=2', parentRunId: parent.runId });
    expect(await text(root, child.experimentId, child.runId, 'tags', 'mlflow.parentRunId')).toBe(parent.runId);
    await expect(tracker.startRun({ experimentName: 'sweep', runName: 'orphan', parentRunId: 'f'.repeat(32) })).rejects.toThrow(
      `Parent run '${'f'.repeat(32)}' of run 'orphan' is not in store`,
    );
  });

  it('renames the run in meta.yaml when mlflow.runName is set, and refuses a contradicting name at start', async () => {
    const tracker = new MlrunsTracker({ location: root });
    const run = await tracker.startRun({ experimentName: 'e', runName: 'old' });
    await run.setTags({ 'mlflow.runName': 'new name' });
    expect(await text(root, run.experimentId, run.runId, 'meta.yaml')).toContain('run_name: new name\n');
    await expect(tracker.startRun({ experimentName: 'e', runName: 'a', tags: { 'mlflow.runName': 'b' } })).rejects.toThrow(
      "Run name 'a' and tag mlflow.runName='b' differ",
    );
    await expect(tracker.startRun({ experimentName: 'e', runName: ' ' })).rejects.toThrow(/Run name must be a non-empty string/);
  });

  it('keeps the full text of a value over MLflow’s length limit as an artifact', async () => {
    const run = await new MlrunsTracker({ location: root }).startRun({ experimentName: 'e', runName: 'r' });
    const config = JSON.stringify({ layers: Array.from({ length: 1500 }, (_, index) => index) });
    await run.logParams({ config });
    await run.logParams({ config });
    const stored = await text(root, run.experimentId, run.runId, 'params', 'config');
    expect([...stored]).toHaveLength(6000);
    expect(stored).toMatch(/ \[truncated from \d+ characters; full value in artifact _full_values\/params\/config\.txt\]$/);
    expect(await text(root, run.experimentId, run.runId, 'artifacts', '_full_values', 'params', 'config.txt')).toBe(config);
  });

  it('refuses to start runs once closed, and refuses a deleted experiment as MLflow does', async () => {
    const tracker = new MlrunsTracker({ location: root });
    const run = await tracker.startRun({ experimentName: 'gone', runName: 'r' });
    await tracker.close();
    await expect(tracker.startRun({ experimentName: 'gone', runName: 'r2' })).rejects.toThrow(/is closed/);
    const metaFile = join(root, run.experimentId, 'meta.yaml');
    await mkdir(join(root, '.trash'), { recursive: true });
    const { rename } = await import('node:fs/promises');
    await writeFile(metaFile, (await readFile(metaFile, 'utf8')).replace('lifecycle_stage: active', 'lifecycle_stage: deleted'));
    await rename(join(root, run.experimentId), join(root, '.trash', run.experimentId));
    await expect(new MlrunsTracker({ location: root }).startRun({ experimentName: 'gone', runName: 'r3' })).rejects.toThrow(
      `Experiment 'gone' (id ${run.experimentId}) is deleted`,
    );
  });

  it('describes itself by the location it was given', () => {
    expect(new MlrunsTracker().description).toBe('./mlruns');
    expect(new MlrunsTracker({ location: 'file:./runs', cwd: '/x' }).root).toBe('/x/runs');
  });
});

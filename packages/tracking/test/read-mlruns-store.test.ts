import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readMlrunsStore, validateMlrunsStore } from '@kdlab/tracking';
import { makeTempFolder, type TempFolder } from './temp-store.js';

let temp: TempFolder;

beforeEach(async () => {
  temp = await makeTempFolder('kdlab-read-');
});

afterEach(async () => {
  await temp.remove();
});

const EXPERIMENT = '314511880676845811';
const RUN = 'ebbb20bb47fd41798354e8e2bf8ecdc9';

/**
 * A store written by MLflow 2.12.2's own FileStore (create_experiment, create_run, log_batch,
 * update_run_info), copied byte for byte with only the store path replaced by `ROOT`.
 */
function mlflowWrittenStore(root: string): Record<string, string> {
  const uri = `file://${root}`;
  return {
    '0/meta.yaml': `artifact_location: ${uri}/0\ncreation_time: 1795327356833\nexperiment_id: '0'\nlast_update_time: 1795327356833\nlifecycle_stage: active\nname: Default\n`,
    [`${EXPERIMENT}/meta.yaml`]: `artifact_location: ${uri}/${EXPERIMENT}\ncreation_time: 1795327356835\nexperiment_id: '${EXPERIMENT}'\nlast_update_time: 1795327356835\nlifecycle_stage: active\nname: 'reference: "quoted" name'\n`,
    [`${EXPERIMENT}/${RUN}/meta.yaml`]: [
      `artifact_uri: ${uri}/${EXPERIMENT}/${RUN}/artifacts`,
      'end_time: 1700000000100',
      "entry_point_name: ''",
      `experiment_id: '${EXPERIMENT}'`,
      'lifecycle_stage: active',
      `run_id: ${RUN}`,
      'run_name: ref-run 1',
      `run_uuid: ${RUN}`,
      "source_name: ''",
      'source_type: 4',
      "source_version: ''",
      'start_time: 1700000000000',
      'status: 3',
      'tags: []',
      'user_id: alice',
      '',
    ].join('\n'),
    [`${EXPERIMENT}/${RUN}/metrics/loss`]: '1700000000005 1e-05 0\n1700000000006 1.0 1\n1700000000007 1e+16 2\n',
    [`${EXPERIMENT}/${RUN}/metrics/train/acc`]: '1700000000001 0.5 0\n1700000000002 nan 1\n1700000000003 inf 2\n1700000000004 -inf 3\n',
    [`${EXPERIMENT}/${RUN}/params/lr`]: '0.1',
    [`${EXPERIMENT}/${RUN}/params/model/width`]: '64',
    [`${EXPERIMENT}/${RUN}/tags/mlflow.runName`]: 'ref-run 1',
    [`${EXPERIMENT}/${RUN}/tags/mlflow.user`]: 'alice',
    [`${EXPERIMENT}/${RUN}/tags/note`]: "it's: fine",
  };
}

async function writeStore(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

describe('readMlrunsStore', () => {
  it('reads a store written by MLflow itself: experiments, run info, params, tags and full metric histories', async () => {
    const root = join(temp.path, 'mlruns');
    await writeStore(root, mlflowWrittenStore(root));
    const store = await readMlrunsStore(root);
    expect(store.experiments.map(({ experimentId, name, creationTime }) => ({ experimentId, name, creationTime }))).toEqual([
      { experimentId: '0', name: 'Default', creationTime: 1795327356833 },
      { experimentId: EXPERIMENT, name: 'reference: "quoted" name', creationTime: 1795327356835 },
    ]);
    expect(store.runs).toHaveLength(1);
    expect(store.runs[0]).toEqual({
      info: {
        runId: RUN,
        experimentId: EXPERIMENT,
        runName: 'ref-run 1',
        userId: 'alice',
        status: 'FINISHED',
        startTime: 1700000000000,
        endTime: 1700000000100,
        artifactUri: `file://${root}/${EXPERIMENT}/${RUN}/artifacts`,
        lifecycleStage: 'active',
      },
      params: { lr: '0.1', 'model/width': '64' },
      tags: { 'mlflow.runName': 'ref-run 1', 'mlflow.user': 'alice', note: "it's: fine" },
      metrics: {
        loss: [
          { timestamp: 1700000000005, value: 1e-5, step: 0 },
          { timestamp: 1700000000006, value: 1, step: 1 },
          { timestamp: 1700000000007, value: 1e16, step: 2 },
        ],
        'train/acc': [
          { timestamp: 1700000000001, value: 0.5, step: 0 },
          { timestamp: 1700000000002, value: NaN, step: 1 },
          { timestamp: 1700000000003, value: Infinity, step: 2 },
          { timestamp: 1700000000004, value: -Infinity, step: 3 },
        ],
      },
    });
    expect(store.skipped).toEqual([]);
    expect(await validateMlrunsStore(root)).toEqual([]);
  });

  it('skips, and lists, the folders the server skips silently', async () => {
    const root = join(temp.path, 'mlruns');
    const files = mlflowWrittenStore(root);
    files['5/meta.yaml'] = (files['0/meta.yaml'] ?? '').replace("experiment_id: '0'", "experiment_id: '6'");
    files[`${EXPERIMENT}/${'a'.repeat(32)}/params/x`] = '1';
    await writeStore(root, files);
    const store = await readMlrunsStore(root);
    expect(store.experiments.map((experiment) => experiment.experimentId)).toEqual(['0', EXPERIMENT]);
    expect(store.skipped.map((entry) => entry.reason)).toEqual([`no meta.yaml`, "records experiment id '6', not the folder name"]);
  });

  it('fails, naming the file and line, on what makes the server fail', async () => {
    const root = join(temp.path, 'mlruns');
    const files = mlflowWrittenStore(root);
    files[`${EXPERIMENT}/${RUN}/metrics/loss`] = '1700000000005 1e-05 0\n1700000000006 oops 1\n';
    await writeStore(root, files);
    await expect(readMlrunsStore(root)).rejects.toThrow(/metrics\/loss', line 2: value 'oops' is not a number/);
  });
});

import { describe, expect, it } from 'vitest';
import { jsonReply } from './support/loopback-server.js';
import { withHandler } from './support/with-server.js';

const RUN_ID = '1a0eff5e79724b9cb2957d011a70ec4e';
const T = 1796539762215;

/** A metric as MLflow 3 writes it: linked to a dataset and a logged model, and carrying its run id. */
const mlflow3Metric = (step: number, value: number) => ({
  key: 'val/accuracy',
  value,
  timestamp: T + step,
  step,
  dataset_name: 'mnist-val',
  dataset_digest: '3f2a9c1e',
  model_id: 'm-7c1d0e2b9a8f4e6d',
  run_id: RUN_ID,
  some_later_field: { nested: [1, 2] },
});

/** A run as MLflow 3 answers it: dataset and model inputs, model outputs, and fields no version has yet. */
const mlflow3Run = {
  info: {
    run_uuid: RUN_ID,
    experiment_id: '1',
    run_name: 'train-run',
    user_id: 'alice',
    status: 'FINISHED',
    start_time: T,
    end_time: T + 10,
    artifact_uri: `mlflow-artifacts:/1/${RUN_ID}/artifacts`,
    lifecycle_stage: 'active',
    run_id: RUN_ID,
    unknown_info_field: 'x',
  },
  data: {
    metrics: [mlflow3Metric(2, 0.7)],
    params: [{ key: 'losses.1.temperature', value: '4' }],
    tags: [{ key: 'mlflow.runName', value: 'train-run' }],
    unknown_data_field: [],
  },
  inputs: {
    dataset_inputs: [
      {
        tags: [{ key: 'mlflow.data.context', value: 'training' }],
        dataset: { name: 'mnist', digest: '3f2a9c1e', source_type: 'code', source: '{}', schema: '{}', profile: '{"num_rows": 8000}' },
      },
    ],
    model_inputs: [{ model_id: 'm-7c1d0e2b9a8f4e6d' }],
  },
  outputs: { model_outputs: [{ model_id: 'm-7c1d0e2b9a8f4e6d', step: 2 }] },
  unknown_run_field: true,
};

const mlflow3Experiment = {
  experiment_id: '1',
  name: 'kd',
  artifact_location: 'mlflow-artifacts:/1',
  lifecycle_stage: 'active',
  last_update_time: T,
  creation_time: T,
  tags: [{ key: 'mlflow.experimentKind', value: 'custom_model_development' }],
  workspace: 'default',
  unknown_experiment_field: { a: 1 },
};

describe('answers with the fields MLflow 3 adds, and fields no version has yet', () => {
  it('reads runs (runs/get, runs/search) whatever inputs, outputs, logged-model and dataset fields they carry', async () => {
    await withHandler((request) => {
      if (request.path.endsWith('/runs/get')) return jsonReply(200, { run: mlflow3Run });
      return jsonReply(200, { runs: [mlflow3Run], next_page_token: '', unknown_page_field: 1 });
    }, async (client) => {
      const expected = {
        info: {
          runId: RUN_ID,
          experimentId: '1',
          runName: 'train-run',
          userId: 'alice',
          status: 'FINISHED',
          startTime: T,
          endTime: T + 10,
          artifactUri: `mlflow-artifacts:/1/${RUN_ID}/artifacts`,
          lifecycleStage: 'active',
        },
        data: {
          metrics: [{ key: 'val/accuracy', value: 0.7, timestamp: T + 2, step: 2 }],
          params: { 'losses.1.temperature': '4' },
          tags: { 'mlflow.runName': 'train-run' },
        },
      };
      expect(await client.runs.get(RUN_ID)).toEqual(expected);
      expect(await client.runs.search({ experimentIds: ['1'] })).toEqual({ runs: [expected], nextPageToken: undefined });
      const iterated = [];
      for await (const run of client.runs.iterate({ experimentIds: ['1'] })) iterated.push(run);
      expect(iterated).toEqual([expected]);
    });
  });

  it('reads metric histories whose points name a dataset, a logged model and their run', async () => {
    await withHandler(() => jsonReply(200, { metrics: [mlflow3Metric(1, 0.6), mlflow3Metric(0, 0.5)] }), async (client) => {
      expect(await client.runs.getMetricHistory(RUN_ID, 'val/accuracy')).toEqual([
        { key: 'val/accuracy', value: 0.5, timestamp: T, step: 0 },
        { key: 'val/accuracy', value: 0.6, timestamp: T + 1, step: 1 },
      ]);
    });
  });

  it('reads experiments (get-by-name, get, search, getOrCreate) with fields it does not know', async () => {
    await withHandler((request) => {
      if (request.path.endsWith('/experiments/search')) return jsonReply(200, { experiments: [mlflow3Experiment] });
      return jsonReply(200, { experiment: mlflow3Experiment });
    }, async (client) => {
      const expected = {
        experimentId: '1',
        name: 'kd',
        artifactLocation: 'mlflow-artifacts:/1',
        lifecycleStage: 'active',
        creationTime: T,
        lastUpdateTime: T,
        tags: { 'mlflow.experimentKind': 'custom_model_development' },
      };
      expect(await client.experiments.getByName('kd')).toEqual(expected);
      expect(await client.experiments.get('1')).toEqual(expected);
      expect(await client.experiments.getOrCreate('kd')).toEqual(expected);
      expect((await client.experiments.search()).experiments).toEqual([expected]);
    });
  });

  it('creates and finishes runs against answers with 3.x fields (runs/create with inputs, runs/update with extra info)', async () => {
    await withHandler((request) => {
      if (request.path.endsWith('/runs/create')) return jsonReply(200, { run: { ...mlflow3Run, info: { ...mlflow3Run.info, status: 'RUNNING', end_time: undefined } } });
      return jsonReply(200, { run_info: mlflow3Run.info, unknown_answer_field: 'y' });
    }, async (client) => {
      const created = await client.runs.create({ experimentId: '1', runName: 'train-run' });
      expect(created.info).toMatchObject({ runId: RUN_ID, status: 'RUNNING', endTime: undefined });
      expect(await client.runs.update({ runId: RUN_ID, status: 'FINISHED' })).toMatchObject({ runId: RUN_ID, status: 'FINISHED', endTime: T + 10 });
    });
  });
});

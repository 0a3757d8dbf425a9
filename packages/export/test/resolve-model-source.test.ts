import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportInputError, resolveModelSource } from '@kdlab/export';
import { MlrunsTracker } from '@kdlab/tracking';

let scratch: string;
let store: string;
let runId: string;
let artifacts: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'kdlab-resolve-model-'));
  await mkdir(join(scratch, 'plain'));
  await writeFile(join(scratch, 'plain', 'model.json'), '{}');
  await mkdir(join(scratch, 'empty'));
  await writeFile(join(scratch, 'notes.txt'), 'not a model');
  store = join(scratch, 'mlruns');
  const run = await new MlrunsTracker({ location: store }).startRun({ experimentName: 'study', runName: 'distilled T=4', tags: { 'kdlab.role': 'distilled' } });
  await run.logArtifact('config.json', JSON.stringify({ name: 'study', data: { dataset: 'mnist-10k', split: { train: 0.7, val: 0.1, test: 0.2 } }, seed: 3 }));
  for (const folder of ['model', 'model-uint8']) await run.logArtifact(`${folder}/model.json`, '{}');
  await run.end('FINISHED');
  runId = run.runId;
  artifacts = join(store, run.experimentId, run.runId, 'artifacts');
});

afterAll(() => rm(scratch, { recursive: true, force: true }));

async function refusal(input: string, options: Parameters<typeof resolveModelSource>[1] = {}): Promise<string> {
  const error = await resolveModelSource(input, { cwd: scratch, ...options }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExportInputError);
  return (error as Error).message;
}

describe('resolveModelSource', () => {
  it('takes a model folder or its model.json, relative to the working folder; no run, no training data', async () => {
    for (const input of ['plain', 'plain/model.json', join(scratch, 'plain')]) {
      expect(await resolveModelSource(input, { cwd: scratch })).toEqual({ modelJson: join(scratch, 'plain', 'model.json'), input });
    }
  });

  it('names the path that is missing or is no model', async () => {
    expect(await refusal('nowhere')).toBe('nowhere: no such file or folder.');
    expect(await refusal('empty')).toBe(`${join(scratch, 'empty')} holds no model.json: give the folder of a saved model (model.json and its weights) or its model.json.`);
    expect(await refusal('notes.txt')).toMatch(/notes\.txt is not a model\.json/);
    expect(await refusal('plain', { variant: 'uint8' })).toMatch(/^--variant picks a save of a run: it does not go with the path plain/);
  });

  it("finds a run's float32 or quantized save in a local store, with its name, role and the data of its config.json", async () => {
    const float = await resolveModelSource(runId, { cwd: scratch, trackingUri: store });
    expect(float).toEqual({
      modelJson: join(artifacts, 'model', 'model.json'),
      input: runId,
      run: { runId, experimentId: expect.any(String), runName: 'distilled T=4', role: 'distilled', artifactPath: 'model' },
      trainedOn: { dataset: 'mnist-10k', split: { train: 0.7, val: 0.1, test: 0.2 }, seed: 3 },
    });
    const uint8 = await resolveModelSource(runId, { cwd: scratch, trackingUri: `file://${store}`, variant: 'uint8' });
    expect(uint8.modelJson).toBe(join(artifacts, 'model-uint8', 'model.json'));
    expect(uint8.run?.artifactPath).toBe('model-uint8');
    const uri = await resolveModelSource(`runs:/${runId}/model-uint8`, { cwd: scratch, trackingUri: store });
    expect(uri.modelJson).toBe(uint8.modelJson);
    // A folder inside a run's artifacts, given as a path, brings its run's data too.
    expect((await resolveModelSource(join(artifacts, 'model-uint8'))).trainedOn?.seed).toBe(3);
  });

  it('says which saves a run has when the one asked for is missing, and names the store a run is not in', async () => {
    expect(await refusal(runId, { trackingUri: store, variant: 'float16' })).toBe(
      `${runId}: run ${runId} has no model saved as model-float16/ (it has model/, model-uint8/). Quantized saves come with evaluate.quantize in the experiment.`,
    );
    const other = 'f'.repeat(32);
    expect(await refusal(other, { trackingUri: store })).toBe(`${other}: the store ${store} has no run ${other}.`);
    expect(await refusal(other, { trackingUri: join(scratch, 'no-store') })).toMatch(/there is no run store at .*no-store \(give --tracking-uri <folder>\)/);
    expect(await refusal(other, { trackingUri: 'http://mlflow.example:5000' })).toMatch(/^kdlab export reads runs from a local store only, not from http:\/\/mlflow\.example:5000/);
    expect(await refusal(`runs:/${runId}/model`, { trackingUri: store, variant: 'uint8' })).toMatch(/^--variant does not go with runs:\//);
  });
});

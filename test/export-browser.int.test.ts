// kdlab export end to end: a trained kdlab MLP (with kdlab's own SeededDropout layer) saved as a model
// folder and, quantized to uint8, as a run's model-uint8/ artifacts; both exported through the CLI;
// each page served over http and run in headless Chromium; its predictions on 1,000 test digits
// compared with Node's on the same exported files.
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureArtifacts, createRootContainer, modelFiles, pluginRegistries, quantizeArtifacts, selectBackend, trainModel, trainSettingsSchema, writeModelFolder, type Dataset } from '@kdlab/core';
import { datasetsModule } from '@kdlab/data';
import { decodeSampleFile, predictExportFolder, serveFolder, type ExportFolderPredictions, type ExportPageResult, type ServedFolder } from '@kdlab/export';
import { MlrunsTracker } from '@kdlab/tracking';
import { ceLoss, lossesModule } from '@kdlab/losses';
import { mlpModel, studentsModule } from '@kdlab/students';
import { findChromium, HeadlessChromium, type PageVisit } from '../packages/report/test/support/headless-chromium.js';
import { runCli } from './support/run-cli.js';

const chromium = findChromium();
if (chromium === undefined) {
  console.warn('export-browser: skipped: no Chromium found (install Debian chromium, or set KDLAB_CHROMIUM to a Chromium/Chrome binary)');
}

const SAMPLES = 1000;

/** The largest absolute difference between two equally long arrays. */
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i += 1) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

function agreement(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let same = 0;
  for (let i = 0; i < a.length; i += 1) if (a[i] === b[i]) same += 1;
  return same / a.length;
}

describe.skipIf(chromium === undefined)('kdlab export: the saved student loads and predicts in headless Chromium as in Node', () => {
  let scratch: string;
  let data: Dataset;
  let browser: HeadlessChromium;
  const exports: Record<'float32' | 'uint8', { folder: string; source: string; served?: ServedFolder; cli?: string }> = {
    float32: { folder: '', source: '' },
    uint8: { folder: '', source: '' },
  };

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'kdlab-export-browser-'));
    await selectBackend('wasm');
    const registries = pluginRegistries(createRootContainer(datasetsModule, lossesModule, studentsModule));
    const split = { train: 0.8, val: 0.1, test: 0.1 };
    data = await registries.datasets.get('mnist-10k').load({ split, seed: 0, limitTrain: 1000 });
    const model = mlpModel.build(mlpModel.options.parse({ hidden: [64], dropout: 0.2 }), { inputShape: data.inputShape, numClasses: 10, seed: 5 });
    const ce = ceLoss.create(ceLoss.options.parse({}), { numClasses: 10, studentFeatureShapes: {}, teacherFeatureShapes: {}, seed: 0, trainSize: data.train.count, hasTeacher: false });
    await trainModel({ model, stages: [{ name: 'train', terms: [{ name: 'ce', weight: 1, loss: ce }], settings: trainSettingsSchema.parse({ epochs: 2, batchSize: 32 }) }], data, seed: 1 });
    const artifacts = await captureArtifacts(model);
    model.dispose();

    // The float32 model as a plain folder; the uint8 one in a run's artifacts, beside its config.json.
    exports.float32.source = join(scratch, 'saved-float32');
    await writeModelFolder(exports.float32.source, modelFiles(artifacts));
    const store = join(scratch, 'mlruns');
    const run = await new MlrunsTracker({ location: store }).startRun({ experimentName: 'export-test', runName: 'distilled', tags: { 'kdlab.role': 'distilled' } });
    await run.logArtifact('config.json', JSON.stringify({ name: 'export-test', data: { dataset: 'mnist-10k', split }, seed: 0 }));
    const uint8 = modelFiles(quantizeArtifacts(artifacts, 'uint8'));
    await run.logArtifact('model-uint8/model.json', uint8.modelJson);
    await run.logArtifact('model-uint8/weights.bin', uint8.weights);
    await run.end('FINISHED');
    exports.uint8.source = join(store, run.experimentId, run.runId, 'artifacts', 'model-uint8');

    exports.float32.folder = join(scratch, 'web-float32');
    exports.uint8.folder = join(scratch, 'web-uint8');
    const [floatCli, uint8Cli] = await Promise.all([
      runCli(['export', exports.float32.source, '--out', exports.float32.folder, '--dataset', 'mnist-10k', '--samples', String(SAMPLES)]),
      runCli(['export', run.runId, '--variant', 'uint8', '--tracking-uri', store, '--out', exports.uint8.folder]),
    ]);
    for (const cli of [floatCli, uint8Cli]) expect(cli.code, cli.stderr).toBe(0);
    exports.float32.cli = floatCli.stderr;
    exports.uint8.cli = uint8Cli.stderr;
    for (const kind of ['float32', 'uint8'] as const) exports[kind].served = await serveFolder(exports[kind].folder);
    browser = await HeadlessChromium.launch(chromium!);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const kind of ['float32', 'uint8'] as const) await exports[kind].served?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  async function visit(kind: 'float32' | 'uint8', query = ''): Promise<{ visit: PageVisit; result: ExportPageResult }> {
    const page = await browser.visit(`${exports[kind].served!.url}${query}`, { width: 1000, height: 900, expression: 'window.kdlabDone', awaitPromise: true, timeoutMs: 30_000 });
    return { visit: page, result: page.evaluated as ExportPageResult };
  }

  async function inNode(kind: 'float32' | 'uint8', backend: 'wasm' | 'cpu'): Promise<ExportFolderPredictions> {
    // kdlab's own wasm backend (its kernels replace some of stock tfjs'), as training and evaluation use it.
    if (backend === 'wasm') await selectBackend('wasm');
    else await tf.setBackend('cpu');
    return predictExportFolder(exports[kind].folder);
  }

  function compare(label: string, page: ExportPageResult, node: ExportFolderPredictions, probabilityTolerance: number): void {
    const logits = maxAbsDiff(page.outputs!, node.predicted.outputs);
    const probabilities = maxAbsDiff(page.probabilities!, node.predicted.probabilities);
    const latency = page.latencyMs!;
    console.log(
      `export-browser ${label}: browser ${page.backend} vs Node ${tf.getBackend()}: predictions identical on ${agreement(page.predictions!, node.predicted.predictions) * SAMPLES}/${SAMPLES}, ` +
        `max |logit diff| ${logits.toExponential(2)}, max |probability diff| ${probabilities.toExponential(2)}, accuracy ${page.accuracy} (Node ${node.predicted.accuracy}); ` +
        `browser latency: batch 1 mean ${latency.batch1.mean.toFixed(4)} ms (median ${latency.batch1.median.toFixed(3)}, p90 ${latency.batch1.p90.toFixed(3)}, timer step ${latency.batch1.timerResolution} ms), ` +
        `batch ${latency.batched!.batchSize} ${latency.batched!.perImage.toFixed(4)} ms per image; load ${page.loadMs!.toFixed(1)} ms`,
    );
    expect(page.predictions).toEqual([...node.predicted.predictions]);
    expect(page.accuracy).toBe(node.predicted.accuracy);
    expect(page.errors).toBe(node.predicted.errors);
    expect(probabilities).toBeLessThan(probabilityTolerance);
  }

  it('writes the page, the bundle, the wasm binaries, the model files byte for byte and the first 1,000 test digits', async () => {
    expect(exports.float32.cli).toContain(`samples: ${SAMPLES} test examples of mnist-10k`);
    expect(exports.uint8.cli).toContain('model-uint8/model.json');
    for (const kind of ['float32', 'uint8'] as const) {
      const { folder, source } = exports[kind];
      for (const file of ['model.json', 'weights.bin']) expect(Buffer.compare(readFileSync(join(folder, 'model', file)), readFileSync(join(source, file)))).toBe(0);
      for (const file of ['index.html', 'kdlab-export.js', 'export.json', 'wasm/tfjs-backend-wasm-simd.wasm']) expect(readFileSync(join(folder, file)).length).toBeGreaterThan(100);
      const samples = decodeSampleFile(new Uint8Array(await readFile(join(folder, 'samples.bin'))));
      expect(samples.count).toBe(SAMPLES);
      expect(samples.source).toEqual({ dataset: 'mnist-10k', split: { train: 0.8, val: 0.1, test: 0.1 }, seed: 0, testCount: data.test.count });
      expect(Buffer.compare(Buffer.from(samples.x.buffer), Buffer.from(data.test.x.buffer, data.test.x.byteOffset, SAMPLES * 784 * 4))).toBe(0);
      expect([...samples.y]).toEqual([...data.test.y.subarray(0, SAMPLES)]);
    }
    const manifest = JSON.parse(readFileSync(join(exports.uint8.folder, 'export.json'), 'utf8')) as ExportPageResult['manifest'];
    expect(manifest!.model).toMatchObject({ kind: 'mlp', weightsDtype: 'uint8', params: 784 * 64 + 64 + 64 * 10 + 10 });
    expect(manifest!.source.run).toMatchObject({ role: 'distilled', runName: 'distilled', artifactPath: 'model-uint8' });
  });

  it('float32 on wasm: the page loads the model with stock tf.loadLayersModel and predicts as Node does (same classes, probabilities within 1e-4)', async () => {
    const { visit: page, result } = await visit('float32');
    expect(page.errors).toEqual([]);
    expect(result.status).toBe('done');
    expect(result.backend).toBe('wasm');
    expect(result.wasm).toEqual({ simd: true, threads: false });
    expect(result.predictions).toHaveLength(SAMPLES);
    expect(result.accuracy).toBeGreaterThan(0.6);
    const latency = result.latencyMs!;
    for (const value of [latency.batch1.mean, latency.batch1.p90, latency.batched!.perImage, result.loadMs!]) {
      expect(Number.isFinite(value)).toBe(true);
      expect(value).toBeGreaterThan(0);
    }
    compare('float32', result, await inNode('float32', 'wasm'), 1e-4);
  });

  it('float32 on cpu (?backend=cpu): the same JavaScript kernels in both give the same numbers', async () => {
    const { visit: page, result } = await visit('float32', '?backend=cpu');
    expect(page.errors).toEqual([]);
    expect(result.backend).toBe('cpu');
    const node = await inNode('float32', 'cpu');
    compare('float32/cpu', result, node, 1e-6);
  });

  it('uint8 from a run (--variant uint8, dataset from its config.json): browser and Node agree, and stay close to the float32 model', async () => {
    const { visit: page, result } = await visit('uint8');
    expect(page.errors).toEqual([]);
    expect(result.status).toBe('done');
    expect(result.manifest!.model.weightsDtype).toBe('uint8');
    const node = await inNode('uint8', 'wasm');
    compare('uint8', result, node, 1e-4);
    const float = await inNode('float32', 'wasm');
    const withFloat = agreement(node.predicted.predictions, float.predicted.predictions);
    console.log(`export-browser uint8 vs float32 (Node wasm): predictions agree on ${withFloat * SAMPLES}/${SAMPLES}; accuracy ${node.predicted.accuracy} vs ${float.predicted.accuracy}`);
    expect(withFloat).toBeGreaterThan(0.97);
  });
});

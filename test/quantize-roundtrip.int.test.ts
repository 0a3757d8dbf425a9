// Post-training quantization after a real save and load: a trained kdlab MLP (with kdlab's own
// SeededDropout layer) saved quantized to a folder, read back by stock tf.loadLayersModel through a
// file-reading handler, and compared with the float model on 1,000 held-out digits.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureArtifacts, createRootContainer, modelFiles, pluginRegistries, predictLoadedLogits, predictLogits, quantizeArtifacts, selectBackend, trainModel, trainSettingsSchema, writeModelFolder, type Dataset, type Model, type QuantizationDtype } from '@kdlab/core';
import { measureQuantized } from '@kdlab/runner';
import { datasetsModule } from '@kdlab/data';
import { ceLoss, lossesModule } from '@kdlab/losses';
import { fileSystemHandler, mlpModel, studentsModule, type LayersModelAdapter } from '@kdlab/students';

const registries = pluginRegistries(createRootContainer(datasetsModule, lossesModule, studentsModule));
const scratch = mkdtempSync(join(tmpdir(), 'kdlab-quantize-roundtrip-'));
let data: Dataset;
let model: Model;
let floatPredictions: Int32Array;
let floatAccuracy: number;
const folderBytes: Record<string, { json: number; weights: number; total: number }> = {};

function argmaxAll(logits: Float32Array, numClasses: number): Int32Array {
  const out = new Int32Array(logits.length / numClasses);
  for (let i = 0; i < out.length; i += 1) {
    let best = 0;
    for (let c = 1; c < numClasses; c += 1) if (logits[i * numClasses + c]! > logits[i * numClasses + best]!) best = c;
    out[i] = best;
  }
  return out;
}

function sizes(folder: string): { json: number; weights: number; total: number } {
  const json = statSync(join(folder, 'model.json')).size;
  const weights = statSync(join(folder, 'weights.bin')).size;
  return { json, weights, total: json + weights };
}

beforeAll(async () => {
  await selectBackend('wasm');
  data = await registries.datasets.get('mnist-10k').load({ split: { train: 0.8, val: 0.1, test: 0.1 }, seed: 0, limitTrain: 2000 });
  model = mlpModel.build(mlpModel.options.parse({ hidden: [128], dropout: 0.2 }), { inputShape: data.inputShape, numClasses: 10, seed: 5 });
  const ce = ceLoss.create(ceLoss.options.parse({}), { numClasses: 10, studentFeatureShapes: {}, teacherFeatureShapes: {}, seed: 0, trainSize: data.train.count, hasTeacher: false });
  await trainModel({ model, stages: [{ name: 'train', terms: [{ name: 'ce', weight: 1, loss: ce }], settings: trainSettingsSchema.parse({ epochs: 4, batchSize: 64 }) }], data, seed: 1 });
  floatPredictions = argmaxAll(await predictLogits(model, data.test, 512), 10);
  floatAccuracy = floatPredictions.filter((p, i) => p === data.test.y[i]).length / data.test.count;
  const artifacts = await captureArtifacts(model);
  await writeModelFolder(join(scratch, 'float32'), modelFiles(artifacts));
  folderBytes['float32'] = sizes(join(scratch, 'float32'));
  for (const dtype of ['uint8', 'float16'] as const) {
    await writeModelFolder(join(scratch, dtype), modelFiles(quantizeArtifacts(artifacts, dtype)));
    folderBytes[dtype] = sizes(join(scratch, dtype));
  }
}, 300_000);

afterAll(() => {
  model?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

describe('a trained MLP saved quantized and loaded back with stock tf.loadLayersModel', () => {
  it('is trained: the float model is far above chance on the 1,000 test digits', () => {
    expect(data.test.count).toBe(1000);
    expect(floatAccuracy).toBeGreaterThan(0.85);
  });

  it.each([
    ['uint8', 4, 0.99],
    ['float16', 2, 0.999],
  ] as const)('%s: the weights file is 1/%i of the float32 one and predictions agree with the float model on at least %f of the test digits', async (dtype: QuantizationDtype, ratio: number, agreementFloor: number) => {
    const folder = join(scratch, dtype);
    expect(folderBytes[dtype]!.weights * ratio).toBe(folderBytes['float32']!.weights);
    const manifest = (JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')) as tf.io.ModelJSON).weightsManifest;
    expect(manifest).toHaveLength(1);
    expect(manifest[0]!.paths).toEqual(['./weights.bin']);
    for (const entry of manifest[0]!.weights) {
      expect(entry.dtype).toBe('float32');
      expect(entry.quantization).toEqual(dtype === 'uint8' ? { dtype: 'uint8', min: expect.any(Number), scale: expect.any(Number), original_dtype: 'float32' } : { dtype: 'float16', original_dtype: 'float32' });
    }
    const loaded = await tfl.loadLayersModel(fileSystemHandler(folder));
    try {
      expect(loaded.layers.some((layer) => layer.getClassName() === 'SeededDropout')).toBe(true);
      const predictions = argmaxAll(await predictLoadedLogits(loaded, data.test, data.inputShape, 256), 10);
      const agreement = predictions.filter((p, i) => p === floatPredictions[i]).length / data.test.count;
      const accuracy = predictions.filter((p, i) => p === data.test.y[i]).length / data.test.count;
      console.log(
        `quantize round trip ${dtype}: bytes on disk ${folderBytes[dtype]!.total} vs float32 ${folderBytes['float32']!.total} (${(folderBytes['float32']!.total / folderBytes[dtype]!.total).toFixed(3)}x; weights ${(folderBytes['float32']!.weights / folderBytes[dtype]!.weights).toFixed(3)}x), agreement ${agreement}, accuracy ${accuracy} vs float ${floatAccuracy}`,
      );
      expect(agreement).toBeGreaterThanOrEqual(agreementFloor);
      // The loaded weights are the dequantized ones: close to the trained model's, not equal.
      const trained = (model as LayersModelAdapter).layersModel.getWeights();
      const restored = loaded.getWeights();
      expect(restored.length).toBe(trained.length);
      const gap = Math.max(...restored.map((w, k) => tf.tidy(() => tf.max(tf.abs(tf.sub(w, trained[k]!))).dataSync()[0]!)));
      expect(gap).toBeGreaterThan(0);
      expect(gap).toBeLessThan(dtype === 'uint8' ? 0.05 : 1e-3);
    } finally {
      loaded.dispose();
    }
  });

  it('measureQuantized measures the same files, the loaded models\' test errors, and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const measured = await measureQuantized({ model, data, dtypes: ['uint8', 'float16'] });
    expect(tf.memory().numTensors).toBe(before);
    expect(measured.floatBytes).toBe(folderBytes['float32']!.total);
    expect(measured.quantized.map((q) => [q.dtype, q.bytes])).toEqual([
      ['uint8', folderBytes['uint8']!.total],
      ['float16', folderBytes['float16']!.total],
    ]);
    for (const q of measured.quantized) {
      expect(q.accuracy).toBeCloseTo(1 - q.errors / 1000, 12);
      expect(Math.abs(q.accuracy - floatAccuracy)).toBeLessThanOrEqual(0.01);
    }
  });
});

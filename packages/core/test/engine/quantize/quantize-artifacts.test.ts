import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededValues } from '../../support/seeded-values.js';
import { selectBackend } from '@kdlab/core';
import { quantizeArtifacts, type QuantizedWeightsEntry } from '../../../src/engine/quantize/quantize-artifacts.js';

beforeAll(() => selectBackend('cpu'));

function bytesOf(array: Float32Array | Int32Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** Artifacts with a float32 kernel, an int32 counter and a float32 bias, one buffer after the other. */
function mixedArtifacts(): { artifacts: tf.io.ModelArtifacts; kernel: Float32Array; counter: Int32Array; bias: Float32Array } {
  const kernel = Float32Array.from(seededValues(12, 5), (v) => v * 0.5);
  const counter = Int32Array.from([3, -7, 1 << 20]);
  const bias = Float32Array.from([0.1, 0.2]);
  const data = new Uint8Array(kernel.byteLength + counter.byteLength + bias.byteLength);
  data.set(bytesOf(kernel), 0);
  data.set(bytesOf(counter), kernel.byteLength);
  data.set(bytesOf(bias), kernel.byteLength + counter.byteLength);
  const weightSpecs: tf.io.WeightsManifestEntry[] = [
    { name: 'dense/kernel', shape: [3, 4], dtype: 'float32' },
    { name: 'step', shape: [3], dtype: 'int32' },
    { name: 'dense/bias', shape: [2], dtype: 'float32' },
  ];
  return { artifacts: { modelTopology: { keep: 'me' }, format: 'layers-model', weightSpecs, weightData: [data.buffer.slice(0, 20), data.buffer.slice(20)] }, kernel, counter, bias };
}

function decodeAll(artifacts: tf.io.ModelArtifacts): Record<string, number[]> {
  const tensors = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
  const out = Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, Array.from(t.dataSync())]));
  tf.dispose(Object.values(tensors));
  return out;
}

describe('quantizeArtifacts', () => {
  it('uint8: writes the manifest entries as the converter does, 1 byte per float32 value, int32 weights untouched', () => {
    const { artifacts, kernel, counter } = mixedArtifacts();
    const q = quantizeArtifacts(artifacts, 'uint8');
    const specs = q.weightSpecs as QuantizedWeightsEntry[];
    expect(specs.map((s) => s.quantization?.dtype)).toEqual(['uint8', undefined, 'uint8']);
    const kernelSpec = specs[0]!;
    expect(Object.keys(kernelSpec.quantization!)).toEqual(['dtype', 'min', 'scale', 'original_dtype']);
    expect(kernelSpec).toMatchObject({ name: 'dense/kernel', shape: [3, 4], dtype: 'float32', quantization: { dtype: 'uint8', original_dtype: 'float32' } });
    expect(specs[1]).toEqual({ name: 'step', shape: [3], dtype: 'int32' });
    expect((q.weightData as ArrayBuffer).byteLength).toBe(12 + 12 + 2);
    expect(q.modelTopology).toEqual({ keep: 'me' });
    const decoded = decodeAll(q);
    expect(decoded['step']).toEqual(Array.from(counter));
    const scale = kernelSpec.quantization!.scale!;
    decoded['dense/kernel']!.forEach((v, i) => expect(Math.abs(v - kernel[i]!)).toBeLessThanOrEqual(scale / 2 + 1e-7));
    expect(decoded['dense/bias']![0]).toBeCloseTo(0.1, 6);
  });

  it('float16: 2 bytes per float32 value, {dtype: float16, original_dtype: float32}, decoded to the nearest half', () => {
    const { artifacts, kernel, counter, bias } = mixedArtifacts();
    const q = quantizeArtifacts(artifacts, 'float16');
    const specs = q.weightSpecs as QuantizedWeightsEntry[];
    expect(specs[0]!.quantization).toEqual({ dtype: 'float16', original_dtype: 'float32' });
    expect(specs[1]!.quantization).toBeUndefined();
    expect((q.weightData as ArrayBuffer).byteLength).toBe(24 + 12 + 4);
    const decoded = decodeAll(q);
    expect(decoded['step']).toEqual(Array.from(counter));
    decoded['dense/kernel']!.forEach((v, i) => expect(Math.abs(v - kernel[i]!)).toBeLessThanOrEqual(Math.abs(kernel[i]!) * 2 ** -11));
    decoded['dense/bias']!.forEach((v, i) => expect(Math.abs(v - bias[i]!)).toBeLessThanOrEqual(bias[i]! * 2 ** -11));
  });

  it('leaves the input artifacts as they were', () => {
    const { artifacts } = mixedArtifacts();
    const before = JSON.stringify(artifacts.weightSpecs);
    quantizeArtifacts(artifacts, 'uint8');
    expect(JSON.stringify(artifacts.weightSpecs)).toBe(before);
  });

  it('refuses weight data shorter than the specs', () => {
    const { artifacts } = mixedArtifacts();
    expect(() => quantizeArtifacts({ ...artifacts, weightData: new ArrayBuffer(10) }, 'uint8')).toThrow(/ends inside weight "dense\/kernel"/);
  });

  it('a quantized tfjs-layers model loads with stock tf.loadLayersModel and predicts as the float model does, up to the quantization error', async () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [8], units: 16, activation: 'relu' }), tfl.layers.dense({ units: 4 })] });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => ((saved = artifacts), { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) })));
    const x = tf.tensor2d(seededValues(64 * 8, 9), [64, 8]);
    const expected = (model.predict(x) as tf.Tensor).dataSync();
    for (const dtype of ['uint8', 'float16'] as const) {
      const loaded = await tfl.loadLayersModel(tf.io.fromMemory(quantizeArtifacts(saved!, dtype)));
      const weights = loaded.getWeights().map((w) => w.dataSync());
      const original = model.getWeights().map((w) => w.dataSync());
      const specs = quantizeArtifacts(saved!, dtype).weightSpecs!;
      weights.forEach((w, k) => {
        const bound = dtype === 'uint8' ? specs[k]!.quantization!.scale! / 2 + 1e-7 : Math.max(...original[k]!.map(Math.abs)) * 2 ** -11;
        w.forEach((v, i) => expect(Math.abs(v - original[k]![i]!)).toBeLessThanOrEqual(bound));
      });
      const got = (loaded.predict(x) as tf.Tensor).dataSync();
      const worst = Math.max(...got.map((v, i) => Math.abs(v - expected[i]!)));
      expect(worst).toBeLessThan(dtype === 'uint8' ? 0.05 : 2e-3);
      loaded.dispose();
    }
    x.dispose();
    model.dispose();
  });
});

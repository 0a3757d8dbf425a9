import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { readMlrunsStore, validateMlrunsStore, type MlrunsRunRecord } from '@kdlab/tracking';
import { fileSystemHandler } from '@kdlab/students';
import { runCli } from './support/run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'kdlab-cli-quantize-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const QUANTIZE = ['--set', 'evaluate={"quantize":["uint8","float16"]}'];
const QUICK = ['--backend', 'wasm', '--no-cache', '--set', 'train.epochs=1', '--set', 'teacher.train.epochs=1'];

function value(run: MlrunsRunRecord, key: string): number {
  const points = run.metrics[key];
  expect(points, `${run.tags['kdlab.role']}: ${key}`).toHaveLength(1);
  return points![0]!.value;
}

function folderBytes(folder: string): number {
  return statSync(join(folder, 'model.json')).size + statSync(join(folder, 'weights.bin')).size;
}

async function runsOf(store: string, args: readonly string[]): Promise<MlrunsRunRecord[]> {
  const result = await runCli(['run', 'test/fixtures/tiny-experiment.ts', '--tracking-uri', `file:${store}`, ...QUICK, ...QUANTIZE, ...args]);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toMatch(/teacher: float32 save \d+ bytes; quantized: uint8 \d+ bytes \(3\.\d\dx smaller\)/);
  expect(await validateMlrunsStore(store)).toEqual([]);
  const runs = (await readMlrunsStore(store)).runs;
  expect(runs.map((r) => r.tags['kdlab.role']).sort()).toEqual(['baseline', 'distilled', 'teacher']);
  return runs;
}

describe('kdlab run with evaluate.quantize', () => {
  it('saves every role quantized (model-uint8/, model-float16/), loadable with tf.loadLayersModel, and logs bytes on disk and test metrics after the round trip', async () => {
    const runs = await runsOf(join(scratch, 'saved'), []);
    for (const run of runs) {
      const role = run.tags['kdlab.role'];
      const artifacts = fileURLToPath(run.info.artifactUri);
      expect(value(run, 'model/bytes_on_disk'), role).toBe(folderBytes(join(artifacts, 'model')));
      const testCount = value(run, 'test/errors') / (1 - value(run, 'test/accuracy'));
      for (const [dtype, ratio] of [['uint8', 4], ['float16', 2]] as const) {
        const folder = join(artifacts, `model-${dtype}`);
        expect(value(run, `quantized/${dtype}/bytes`), `${role} ${dtype}`).toBe(folderBytes(folder));
        expect(statSync(join(folder, 'weights.bin')).size * ratio).toBe(statSync(join(artifacts, 'model', 'weights.bin')).size);
        const manifest = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')).weightsManifest[0].weights;
        expect(manifest.every((w: { quantization?: { dtype: string; original_dtype: string } }) => w.quantization?.dtype === dtype && w.quantization.original_dtype === 'float32')).toBe(true);
        const errors = value(run, `quantized/${dtype}/test/errors`);
        expect(value(run, `quantized/${dtype}/test/accuracy`)).toBeCloseTo(1 - errors / testCount, 9);
        // The same step as test/errors; within a few digits of the float model's errors.
        expect(run.metrics[`quantized/${dtype}/test/errors`]![0]!.step).toBe(run.metrics['test/errors']![0]!.step);
        expect(Math.abs(errors - value(run, 'test/errors'))).toBeLessThanOrEqual(dtype === 'uint8' ? 10 : 2);
        const loaded = await tfl.loadLayersModel(fileSystemHandler(folder));
        expect(loaded.outputs.length).toBeGreaterThanOrEqual(1);
        loaded.dispose();
      }
    }
  });

  it('with --no-save-models: measures the same in a temporary folder and stores no model', async () => {
    const runs = await runsOf(join(scratch, 'unsaved'), ['--no-save-models']);
    for (const run of runs) {
      const artifacts = fileURLToPath(run.info.artifactUri);
      for (const folder of ['model', 'model-uint8', 'model-float16']) expect(existsSync(join(artifacts, folder)), folder).toBe(false);
      const floatBytes = value(run, 'model/bytes_on_disk');
      expect(floatBytes).toBeGreaterThan(value(run, 'model/bytes'));
      expect(floatBytes / value(run, 'quantized/uint8/bytes')).toBeGreaterThan(3.5);
      expect(floatBytes / value(run, 'quantized/float16/bytes')).toBeGreaterThan(1.9);
      expect(Math.abs(value(run, 'quantized/float16/test/errors') - value(run, 'test/errors'))).toBeLessThanOrEqual(2);
    }
  });

  it('a pruned model: its zeros survive the uint8 and float16 round trip, and quantized/<dtype>/sparse_bytes sizes them stored sparse', async () => {
    const store = join(scratch, 'pruned');
    const result = await runCli(['run', 'test/fixtures/tiny-pruned.ts', '--tracking-uri', `file:${store}`, '--backend', 'wasm', '--no-cache']);
    expect(result.code, result.stderr).toBe(0);
    const runs = (await readMlrunsStore(store)).runs;
    const teacher = runs.find((run) => run.tags['kdlab.role'] === 'teacher')!;
    expect(teacher.metrics['quantized/uint8/sparse_bytes']).toBeUndefined(); // not pruned
    for (const run of runs.filter((r) => r.tags['kdlab.role'] !== 'teacher')) {
      const role = run.tags['kdlab.role'];
      const artifacts = fileURLToPath(run.info.artifactUri);
      for (const [dtype, bytesPerValue] of [['uint8', 1], ['float16', 2]] as const) {
        const loaded = await tfl.loadLayersModel(fileSystemHandler(join(artifacts, `model-${dtype}`)));
        let expected = 0;
        let kernelZeros = 0;
        let kernelSize = 0;
        for (const weight of loaded.weights) {
          const values = weight.read().dataSync();
          const n = values.length;
          const z = values.filter((v) => v !== 0).length;
          const columns = weight.shape[weight.shape.length - 1]!;
          expected += Math.min(bytesPerValue * n, bytesPerValue * z + Math.min(Math.ceil(n / 8), 4 * z + 4 * (n / columns + 1)));
          if (weight.shape.length >= 2) {
            kernelZeros += n - z;
            kernelSize += n;
          }
        }
        loaded.dispose();
        // every kernel lost exactly 80% of its weights in float32; the quantized save keeps them 0
        expect(kernelZeros / kernelSize, `${role} ${dtype}`).toBeGreaterThanOrEqual(0.8 - 1e-3);
        expect(value(run, `quantized/${dtype}/sparse_bytes`), `${role} ${dtype}`).toBe(expected);
        expect(value(run, `quantized/${dtype}/sparse_bytes`)).toBeLessThan(value(run, 'model/sparse_bytes') / (bytesPerValue === 1 ? 2 : 1.5));
        expect(value(run, `quantized/${dtype}/sparse_bytes`)).toBeLessThan(value(run, `quantized/${dtype}/bytes`));
      }
    }
  });
});

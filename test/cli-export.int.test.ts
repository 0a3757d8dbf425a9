// kdlab export on invalid input: every problem is one line naming the path or flag, exit code 2, and
// nothing written. (The export that works is in export-browser.int.test.ts.)
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelFiles, selectBackend, writeModelFolder } from '@kdlab/core';
import { runCliBatch, type CliResult } from './support/run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'kdlab-export-invalid-'));
const model = join(scratch, 'model');
const strange = join(scratch, 'strange-model');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

beforeAll(async () => {
  await selectBackend('cpu');
  const net = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [784], units: 10 })] });
  await net.save({ save: async (artifacts) => (await writeModelFolder(model, modelFiles(artifacts)), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }) });
  net.dispose();
  // The same model, but with a layer class nobody registers.
  mkdirSync(strange);
  writeFileSync(join(strange, 'model.json'), readFileSync(join(model, 'model.json'), 'utf8').replace('"class_name":"Dense"', '"class_name":"MyOwnDense"'));
  writeFileSync(join(strange, 'weights.bin'), readFileSync(join(model, 'weights.bin')));
  mkdirSync(join(scratch, 'occupied'));
  writeFileSync(join(scratch, 'occupied', 'thesis.tex'), 'precious');
});

/** A stack frame as Node prints one (`    at fn (file:line:col)`). */
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

function expectRefused(result: CliResult, message: string | RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  if (typeof message === 'string') expect(result.stderr).toContain(message);
  else expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(STACK_FRAME);
}

describe('kdlab export on invalid input', () => {
  it('exits 2 naming the path, the flag or the layer class, and writes nothing', async () => {
    const out = (name: string): string => join(scratch, 'out', name);
    // one process runs them one after another, each through the CLI's main with its own output and exit
    // code (the export that works, in export-browser.int.test.ts, runs kdlab export as its own process)
    const [missing, badSamples, zeroSamples, noDataset, tooMany, unknownDataset, noOut, badVariant, unknownClass, occupied, variantOnPath] = await runCliBatch([
      ['export', join(scratch, 'nowhere'), '--out', out('missing')],
      ['export', model, '--out', out('bad-samples'), '--samples', 'many'],
      ['export', model, '--out', out('zero-samples'), '--samples', '0'],
      ['export', model, '--out', out('no-dataset'), '--samples', '10'],
      ['export', model, '--out', out('too-many'), '--dataset', 'mnist-10k', '--samples', '5000'],
      ['export', model, '--out', out('unknown-dataset'), '--dataset', 'mnist-20k'],
      ['export', model],
      ['export', model, '--out', out('bad-variant'), '--variant', 'int4'],
      ['export', strange, '--out', out('unknown-class')],
      ['export', model, '--out', join(scratch, 'occupied')],
      ['export', model, '--out', out('variant-on-path'), '--variant', 'uint8'],
    ]);
    expectRefused(missing, `kdlab export: ${join(scratch, 'nowhere')}: no such file or folder.`);
    expectRefused(badSamples, "option '--samples <n>' argument 'many' is invalid. Give a whole number of at least 1.");
    expectRefused(zeroSamples, "option '--samples <n>' argument '0' is invalid.");
    expectRefused(noDataset, `kdlab export: --samples 10 needs --dataset <id>: ${join(model, 'model.json')} has no kdlab run's config.json beside it to take the dataset from.`);
    expectRefused(tooMany, 'kdlab export: --dataset mnist-10k: --samples 5000: The test split of mnist-10k (split 0.8/0.1/0.1, seed 0) has 1000 examples, fewer than the 5000 asked for.');
    expectRefused(unknownDataset, /kdlab export: --dataset mnist-20k: Unknown dataset "mnist-20k"\. Registered dataset plugins: .*mnist-10k/);
    expectRefused(noOut, "required option '--out <folder>' not specified");
    expectRefused(badVariant, "option '--variant <dtype>' argument 'int4' is invalid. Allowed choices are float32, uint8, float16.");
    expectRefused(unknownClass, /uses layer classes that neither TensorFlow\.js nor a plugin package registers for the page: MyOwnDense \(.*give --plugin <package> whose <package>\/browser registers them\)/);
    expectRefused(occupied, `${join(scratch, 'occupied')} is not empty and holds no earlier export (export.json): give a new or empty folder.`);
    expectRefused(variantOnPath, '--variant picks a save of a run');
    expect(existsSync(join(scratch, 'out'))).toBe(false);
    expect(readdirSync(join(scratch, 'occupied'))).toEqual(['thesis.tex']);
  });
});

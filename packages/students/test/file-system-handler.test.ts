import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSystemHandler, loadKdlabModel, loadModel, mlpModel, mlpOptions, resolveIoTarget } from '../src/index.js';
import { useCpuBackend } from './use-cpu-backend.js';

describe('saving to and loading from the file system', () => {
  let directory = '';
  beforeAll(async () => {
    await useCpuBackend();
    directory = await mkdtemp(join(tmpdir(), 'kdlab-students-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('writes model.json and weights.bin in the standard layers format and reads them back', async () => {
    const model = mlpModel.build(mlpOptions.parse({ hidden: [20], dropout: 0.5 }), { inputShape: [8, 8], numClasses: 4, seed: 3 });
    const target = join(directory, 'mlp');
    await model.save(`file://${target}`);
    expect((await readdir(target)).sort()).toEqual(['model.json', 'weights.bin']);
    const modelJson = JSON.parse(await readFile(join(target, 'model.json'), 'utf8')) as tf.io.ModelJSON;
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.weightsManifest).toEqual([{ paths: ['./weights.bin'], weights: expect.any(Array) }]);
    expect((await readFile(join(target, 'weights.bin'))).byteLength).toBe(model.paramCount() * 4);

    const x = tf.randomUniform([3, 8, 8], 0, 1, 'float32', 1);
    const expected = model.forward(x, { training: false });
    for (const source of [target, join(target, 'model.json'), `file://${target}`]) {
      const loaded = await loadModel(source);
      const [logits] = loaded.predict(x) as tf.Tensor[];
      expect(await logits!.data()).toEqual(await expected.logits.data());
      logits!.dispose();
      loaded.dispose();
    }
    const kdlabModel = await loadKdlabModel(target);
    expect(kdlabModel.featureNames).toEqual(['hidden1']);
    kdlabModel.dispose();
    tf.dispose([x, expected.logits, ...Object.values(expected.features)]);
    model.dispose();
  });

  it('names the missing file when loading fails', async () => {
    await expect(fileSystemHandler(join(directory, 'nothing')).load!()).rejects.toThrow(/nothing\/model\.json/);
    const broken = join(directory, 'broken');
    await rm(broken, { recursive: true, force: true });
    await fileSystemHandler(broken).save!({ modelTopology: {}, weightSpecs: [], weightData: new ArrayBuffer(0) });
    await writeFile(join(broken, 'model.json'), JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['gone.bin'], weights: [] }] }));
    await expect(fileSystemHandler(broken).load!()).rejects.toThrow(/gone\.bin/);
    await writeFile(join(broken, 'model.json'), '{"hello": 1}');
    await expect(fileSystemHandler(broken).load!()).rejects.toThrow(/not a TensorFlow\.js model\.json/);
  });

  it('routes plain paths and file:// URLs to the file system and leaves other URLs to tfjs', () => {
    expect(typeof resolveIoTarget('some/dir')).toBe('object');
    expect(typeof resolveIoTarget('file:///tmp/x')).toBe('object');
    expect(resolveIoTarget('indexeddb://student')).toBe('indexeddb://student');
    expect(resolveIoTarget('https://example.org/model.json')).toBe('https://example.org/model.json');
    const handler = tf.io.fromMemory({ modelTopology: {} });
    expect(resolveIoTarget(handler)).toBe(handler);
  });
});

// What the Node-latency peer times for each study (repro/node-latency/latency-studies.ts): the DistilBERT-style study's
// architectures are the experiment files' teacher and student, saved at seed 0 and loaded back with stock
// tf.loadLayersModel taking rows of token ids, as the peer times them (on the cpu backend here).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelFolderHandler } from '@kdlab/core';
import { SPAM_DATA, SPAM_STUDENT, SPAM_TEACHER } from '../../experiments/repro/distilbert-setting.js';
import { COMPRESSION_LATENCY, saveLatencyModels, SPAM_LATENCY } from '../latency/save-architectures.js';
import { nodeLatencyStudy } from '../node-latency/latency-studies.js';

describe('the Node-latency peer\'s studies', () => {
  let scratch = '';
  beforeAll(async () => {
    tf.env().set('PROD', true);
    await tf.setBackend('cpu');
    scratch = await mkdtemp(join(tmpdir(), 'kdlab-node-latency-test-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('--study picks the study\'s architectures, data, storages and file; an unknown id is an error listing the ids', () => {
    const compression = nodeLatencyStudy('compression');
    expect(compression).toMatchObject({ id: 'compression', dataset: 'mnist', split: { train: 0.8, val: 0.1, test: 0.1 }, variants: ['float32', 'uint8', 'float16'], samples: 1000, out: 'repro/store/node-latency/compression.json' });
    expect(compression.setting).toBe(COMPRESSION_LATENCY);
    const spam = nodeLatencyStudy('distilbert-spam');
    expect(spam).toMatchObject({ id: 'distilbert-spam', dataset: 'spam-assassin', split: SPAM_DATA.split, variants: ['float32'], out: 'repro/store/node-latency/distilbert-spam.json' });
    expect(spam.setting.architectures).toEqual([{ name: 'teacher', spec: SPAM_TEACHER.model }, { name: 'student', spec: SPAM_STUDENT }]);
    expect(spam.setting).toMatchObject({ inputShape: [128], numClasses: 2 });
    expect(() => nodeLatencyStudy('bert')).toThrow('--study bert: give one of compression, distilbert-spam.');
    expect(() => nodeLatencyStudy('toString')).toThrow(/give one of/);
  });

  it('saves the 4-layer teacher and 2-layer student; loaded back, each takes a row of 128 token ids and gives 2 logits', async () => {
    const saved = await saveLatencyModels(scratch, ['float32'], SPAM_LATENCY);
    expect(saved.map((s) => `${s.model}-${s.variant}`)).toEqual(['teacher-float32', 'student-float32']);
    const [teacher, student] = saved;
    // two encoder layers of 128 units, 4 x 128 x 128 + 4 x 128 (attention) + 2 x 128 x 512 + 512 + 128 (feed-forward) + 2 x 2 x 128 (norms) apart
    expect(teacher!.params - student!.params).toBe(2 * (4 * 128 * 128 + 4 * 128 + 2 * 128 * 512 + 512 + 128 + 4 * 128));
    expect(teacher!.bytes).toBeGreaterThan(4 * teacher!.params);
    const ids = tf.tensor2d([Array.from({ length: 128 }, (_, i) => (i < 40 ? (i * 97) % 8000 : 0))]);
    for (const { folder, model: name } of saved) {
      const model = await tfl.loadLayersModel(modelFolderHandler(folder));
      expect(model.inputs[0]!.shape, name).toEqual([null, 128]);
      const output = model.predict(ids);
      const logits = Array.isArray(output) ? output[0]! : output;
      expect(logits.shape, name).toEqual([1, 2]);
      tf.dispose(output);
      model.dispose();
    }
    ids.dispose();
  });
});

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRootContainer, pluginModule, pluginRegistries, resolveExperiment, selectBackend, type BackendInfo } from '@kdlab/core';
import { createSpamAssassinDataset, datasetsModule, type TokenizedTextDataset } from '@kdlab/data';
import { createTracker, readMlrunsStore, type MlrunsRunRecord } from '@kdlab/tracking';
import { runExperiment, TrainedModelCache, type ExperimentResult, type RunReporter } from '@kdlab/runner';
import { lossesModule } from '@kdlab/losses';
import { studentsModule } from '@kdlab/students';

// Masked-language-model pre-training of a token transformer teacher on real mail text, end to end
// in process: 600 SpamAssassin training messages as rows of 64 word pieces of a 2,000-piece vocabulary
// (the registered dataset's settings, 8,000 and 128, take about 5x longer per step), a 1-layer teacher
// pre-trained for 10 epochs, then fine-tuned on ham / spam, a student initialised from it. Every draw is
// seeded and wasm is deterministic, so the accuracies are the same in every run on this backend.
const scratch = mkdtempSync(join(tmpdir(), 'kdlab-mlm-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const VOCAB_SIZE = 2000;
const SEQUENCE_LENGTH = 64;
const small = createSpamAssassinDataset({ id: 'spam-assassin-small', vocabSize: VOCAB_SIZE, sequenceLength: SEQUENCE_LENGTH });
const registries = pluginRegistries(createRootContainer(datasetsModule, lossesModule, studentsModule, pluginModule({ datasets: [small] })));
const LIMIT_TRAIN = 600;
let backend: BackendInfo;
let data: TokenizedTextDataset;

beforeAll(async () => {
  backend = await selectBackend('wasm');
  data = (await registries.datasets.get('spam-assassin-small').load({ split: { train: 0.8, val: 0.1, test: 0.1 }, seed: 0, limitTrain: LIMIT_TRAIN })) as TokenizedTextDataset;
});

const transformer = (layers: number) => ({ kind: 'transformer', vocabSize: VOCAB_SIZE, hidden: 64, heads: 2, feedForward: 128, layers });

function experiment(pretrain: Record<string, unknown>) {
  return resolveExperiment(
    {
      name: 'mlm-pretrain-test',
      data: { dataset: 'spam-assassin-small', limitTrain: LIMIT_TRAIN },
      teacher: { model: transformer(1), pretrain, train: { epochs: 1 } },
      student: { model: transformer(1), init: { fromTeacher: 'every-other-layer' } },
      losses: [
        { kind: 'ce', weight: 0.5 },
        { kind: 'hinton', temperature: 2, weight: 0.5 },
      ],
      train: { epochs: 1, batchSize: 32, optimizer: { kind: 'adam', learningRate: 0.002 } },
      baseline: false,
      seed: 0,
    },
    registries,
    'test/mlm-pretrain.int.test.ts',
  );
}

const notes: string[] = [];
const reporter: RunReporter = { roleStarted: () => undefined, progress: () => undefined, roleFinished: () => undefined, note: (message) => void notes.push(message) };
const store = join(scratch, 'mlruns');
const cacheDir = join(scratch, 'cache');

async function run(pretrain: Record<string, unknown>): Promise<ExperimentResult> {
  const tracker = createTracker(`file:${store}`);
  try {
    return await runExperiment({ registries, tracker, backend, reporter, cache: new TrainedModelCache(cacheDir), experiment: experiment(pretrain) });
  } finally {
    await tracker.close();
  }
}

const values = (run: MlrunsRunRecord, key: string): number[] => (run.metrics[key] ?? []).map((point) => point.value);

describe('a token transformer teacher pre-trained as a masked-language model', () => {
  const pretrain = { objective: 'mlm', epochs: 10, batchSize: 16, optimizer: { kind: 'adam', learningRate: 0.003 } };
  let first: ExperimentResult;
  let teacher: MlrunsRunRecord;

  beforeAll(async () => {
    first = await run(pretrain);
    teacher = (await readMlrunsStore(store)).runs.find((r) => r.info.runId === first.teacher.runId)!;
  }, 600_000);

  it('learns to fill in hidden words of the mails far above the unigram baseline, logged per epoch in the teacher run', () => {
    const accuracy = values(teacher, 'pretrain/val_masked_accuracy');
    expect(accuracy).toHaveLength(10);
    for (const key of ['pretrain/loss', 'pretrain/masked_accuracy', 'pretrain/val_loss', 'pretrain/epoch_s']) expect(values(teacher, key)).toHaveLength(10);
    // the unigram baseline: always answering the validation text's most frequent word piece
    const counts = new Map<number, number>();
    data.val.x.forEach((id) => id > 4 && counts.set(id, (counts.get(id) ?? 0) + 1));
    const unigram = Math.max(...counts.values()) / [...counts.values()].reduce((a, b) => a + b, 0);
    console.log(
      `MLM on ${data.train.count} mails: validation masked-token accuracy by epoch ${accuracy.map((a) => a.toFixed(3)).join(', ')} ` +
        `(unigram baseline ${unigram.toFixed(3)}); loss ${values(teacher, 'pretrain/loss').map((v) => v.toFixed(2)).join(', ')}`,
    );
    expect(accuracy.at(-1)!).toBeGreaterThan(2 * unigram);
    expect(accuracy.at(-1)!).toBeGreaterThan(accuracy[0]!);
    expect(values(teacher, 'pretrain/loss').at(-1)!).toBeLessThan(values(teacher, 'pretrain/loss')[0]!);
    expect(values(teacher, 'pretrain/head_params')).toEqual([64 * 64 + 64 + 2 * 64 + VOCAB_SIZE]);
  });

  it('then fine-tunes on the labels in the same run, and a student starts from the pre-trained teacher', () => {
    expect(values(teacher, 'train/loss')).toHaveLength(1);
    expect(values(teacher, 'test/accuracy')).toHaveLength(1);
    expect(teacher.params['role.training']).toMatch(/^pre-trained 10 epochs as a masked-language model \(0\.15 of the tokens chosen; 0\.8 \[MASK\], 0\.1 random\); then 1 epochs: 1\*ce$/);
    expect(teacher.params['teacher.pretrain.maskRate']).toBe('0.15');
    expect(notes.some((note) => /^teacher: pre-training epoch 10\/10: MLM loss [\d.]+, masked-token accuracy [\d.]+ \(validation/.test(note))).toBe(true);
    expect(first.distilled.training.testLast.accuracy).toBeGreaterThan(0.5);
  });

  it('caches the pre-trained teacher under a key of its pre-training: the same settings reuse it, others train anew', async () => {
    const teachers = () => readdirSync(join(cacheDir, 'teachers')).filter((name) => !name.includes('.'));
    expect(teachers()).toHaveLength(1);
    notes.length = 0;
    const again = await run(pretrain);
    expect(again.teacher.runId).toBe(first.teacher.runId);
    expect(notes.some((note) => note.startsWith('teacher: reusing the teacher of run'))).toBe(true);
    const other = await run({ ...pretrain, epochs: 1, maskRate: 0.3 });
    expect(other.teacher.runId).not.toBe(first.teacher.runId);
    expect(teachers()).toHaveLength(2);
  }, 600_000);
});

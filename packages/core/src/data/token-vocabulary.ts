import type { Dataset } from './dataset.js';

/** The special token ids a token dataset gives (kdlab's vocabularies: `[PAD]` 0, `[UNK]` 1, `[CLS]` 2, `[SEP]` 3, `[MASK]` 4). */
export interface SpecialTokenIds {
  /** `[PAD]`: fills a row after its last token. */
  readonly pad: number;
  /** `[MASK]`: a token hidden for masked-language modelling. */
  readonly mask: number;
  /** `[CLS]`: the first token of every row, when the dataset adds one. */
  readonly cls?: number;
  /** `[SEP]`: closes a row's text, when the dataset adds one. */
  readonly sep?: number;
  /** `[UNK]`: a word the vocabulary cannot spell. */
  readonly unk?: number;
}

/** What a dataset of token ids says of its vocabulary: what masked-language-model pre-training needs. */
export interface TokenVocabulary {
  /** Every id of the dataset is below it. */
  readonly vocabSize: number;
  /** Its special tokens' ids. */
  readonly specialTokenIds: SpecialTokenIds;
}

const isId = (value: unknown, vocabSize: number): boolean => Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) < vocabSize;

/**
 * The vocabulary of a dataset of token ids (one whose rows are ids, such as `spam-assassin`): its
 * `vocabSize` and `specialTokenIds`, with at least `pad` and `mask`, each an id below `vocabSize`;
 * `undefined` for any other dataset (images), or one whose fields do not fit.
 *
 * @param data - a loaded dataset.
 */
export function tokenVocabularyOf(data: Dataset): TokenVocabulary | undefined {
  const candidate = data as Partial<TokenVocabulary>;
  const { vocabSize, specialTokenIds: ids } = candidate;
  if (typeof vocabSize !== 'number' || !Number.isSafeInteger(vocabSize) || vocabSize < 1 || typeof ids !== 'object' || ids === null) return undefined;
  if (!isId(ids.pad, vocabSize) || !isId(ids.mask, vocabSize)) return undefined;
  for (const optional of [ids.cls, ids.sep, ids.unk]) if (optional !== undefined && !isId(optional, vocabSize)) return undefined;
  return { vocabSize, specialTokenIds: ids };
}

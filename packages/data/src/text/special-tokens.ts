/**
 * The special tokens every kdlab WordPiece vocabulary starts with, in id order: `[PAD]` = 0 (so a
 * zero-filled row is padding), `[UNK]` = 1, `[CLS]` = 2, `[SEP]` = 3, `[MASK]` = 4 (for masked-language
 * model pre-training).
 */
export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

/** The ids of the {@link SPECIAL_TOKENS}, the same in every vocabulary. */
export const SPECIAL_TOKEN_IDS = {
  /** `[PAD]`: fills a row after its last token. */
  pad: 0,
  /** `[UNK]`: a word the vocabulary cannot spell. */
  unk: 1,
  /** `[CLS]`: the first token of every row. */
  cls: 2,
  /** `[SEP]`: closes the text of a row. */
  sep: 3,
  /** `[MASK]`: a token hidden for masked-language modelling. */
  mask: 4,
} as const;

/** The prefix of a word piece that continues a word (`##ing`), as in BERT. */
export const CONTINUATION_PREFIX = '##';

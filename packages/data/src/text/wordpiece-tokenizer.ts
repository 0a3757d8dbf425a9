import { normalizeText, preTokenize } from './pre-tokenize.js';
import { CONTINUATION_PREFIX, SPECIAL_TOKEN_IDS, SPECIAL_TOKENS } from './special-tokens.js';
import { WORDPIECE_TRAINING_DEFAULTS } from './train-wordpiece.js';

/**
 * A WordPiece tokenizer over a fixed vocabulary, as BERT's: text is normalised and cut into words
 * ({@link normalizeText}, {@link preTokenize}); each word is spelt greedily with the longest
 * vocabulary piece that starts it, then the longest `##` piece that continues it, and so on; a word
 * that cannot be spelt to its end, or is longer than `maxWordLength` code units, is one `[UNK]`.
 */
export class WordPieceTokenizer {
  /** The tokens in id order. */
  readonly tokens: readonly string[];
  /** Words longer than this (in UTF-16 code units) are `[UNK]`. */
  readonly maxWordLength: number;
  private readonly ids: ReadonlyMap<string, number>;
  private readonly longestToken: number;
  private readonly wordCache = new Map<string, readonly number[]>();

  /**
   * @param tokens - the vocabulary in id order; it must start with the {@link SPECIAL_TOKENS} and hold no token twice.
   * @param maxWordLength - words longer than this are `[UNK]`. Default 100.
   */
  constructor(tokens: readonly string[], maxWordLength: number = WORDPIECE_TRAINING_DEFAULTS.maxWordLength) {
    SPECIAL_TOKENS.forEach((special, id) => {
      if (tokens[id] !== special) throw new Error(`WordPieceTokenizer: token ${id} must be ${special}, got ${String(tokens[id])}`);
    });
    const ids = new Map<string, number>();
    tokens.forEach((token, id) => {
      if (ids.has(token)) throw new Error(`WordPieceTokenizer: token "${token}" appears twice (ids ${ids.get(token)} and ${id})`);
      ids.set(token, id);
    });
    this.tokens = tokens;
    this.maxWordLength = maxWordLength;
    this.ids = ids;
    this.longestToken = tokens.reduce((longest, token) => Math.max(longest, token.length), 0);
  }

  /** The number of tokens: every id is below it. */
  get vocabSize(): number {
    return this.tokens.length;
  }

  /** The id of a token, or `undefined` when it is not in the vocabulary. */
  tokenId(token: string): number | undefined {
    return this.ids.get(token);
  }

  /** The ids of one (normalised) word's pieces, or `[[UNK]]`. */
  encodeWord(word: string): readonly number[] {
    const cached = this.wordCache.get(word);
    if (cached !== undefined) return cached;
    const pieces: number[] = [];
    if (word.length > this.maxWordLength) {
      pieces.push(SPECIAL_TOKEN_IDS.unk);
    } else {
      let start = 0;
      while (start < word.length) {
        const prefix = start === 0 ? '' : CONTINUATION_PREFIX;
        let end = Math.min(word.length, start + this.longestToken);
        let id: number | undefined;
        for (; end > start; end--) {
          id = this.ids.get(prefix + word.slice(start, end));
          if (id !== undefined) break;
        }
        if (id === undefined) {
          pieces.length = 0;
          pieces.push(SPECIAL_TOKEN_IDS.unk);
          break;
        }
        pieces.push(id);
        start = end;
      }
    }
    this.wordCache.set(word, pieces);
    return pieces;
  }

  /** The ids of a text's pieces, without special tokens; at most `limit` of them (the first). */
  encode(text: string, limit = Infinity): number[] {
    const ids: number[] = [];
    if (limit <= 0) return ids;
    for (const word of preTokenize(normalizeText(text))) {
      for (const id of this.encodeWord(word)) {
        ids.push(id);
        if (ids.length >= limit) return ids;
      }
    }
    return ids;
  }

  /** The tokens of ids (for reading what a row holds). */
  decodeTokens(ids: Iterable<number>): string[] {
    return Array.from(ids, (id) => this.tokens[id] ?? '[UNK]');
  }

  /**
   * Writes a text as one model input row of `sequenceLength` ids: `[CLS]`, the text's first
   * `sequenceLength - 2` pieces, `[SEP]`, then `[PAD]` (0) to the end. The row is written as floats
   * into `out` at `offset` (the rest of the row is set to 0).
   *
   * @returns the number of non-padding ids written (`[CLS]` and `[SEP]` included).
   */
  encodeRow(text: string, sequenceLength: number, out: Float32Array, offset = 0): number {
    if (!Number.isSafeInteger(sequenceLength) || sequenceLength < 2) throw new RangeError(`encodeRow: sequenceLength is ${sequenceLength}, expected an integer >= 2 (room for [CLS] and [SEP])`);
    const ids = this.encode(text, sequenceLength - 2);
    out.fill(SPECIAL_TOKEN_IDS.pad, offset, offset + sequenceLength);
    out[offset] = SPECIAL_TOKEN_IDS.cls;
    for (let i = 0; i < ids.length; i++) out[offset + 1 + i] = ids[i] as number;
    out[offset + 1 + ids.length] = SPECIAL_TOKEN_IDS.sep;
    return ids.length + 2;
  }
}

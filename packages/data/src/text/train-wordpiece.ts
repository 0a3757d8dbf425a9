import { normalizeText, preTokenize } from './pre-tokenize.js';
import { CONTINUATION_PREFIX, SPECIAL_TOKENS } from './special-tokens.js';

/** How a WordPiece vocabulary is trained ({@link trainWordPiece}). */
export interface WordPieceTrainingOptions {
  /** The vocabulary's size, special tokens included: merging stops when it is reached. Default 8,000. */
  readonly vocabSize?: number;
  /** A pair of pieces is merged only if it occurs at least this often in the training words. Default 2. */
  readonly minPairFrequency?: number;
  /** At most this many distinct characters (the most frequent) make the alphabet. Default 300. */
  readonly alphabetLimit?: number;
  /** Words longer than this (in UTF-16 code units) are `[UNK]`, and not trained on. Default 100 (BERT's). */
  readonly maxWordLength?: number;
}

/** The defaults of {@link WordPieceTrainingOptions}. */
export const WORDPIECE_TRAINING_DEFAULTS: Required<WordPieceTrainingOptions> = {
  vocabSize: 8000,
  minPairFrequency: 2,
  alphabetLimit: 300,
  maxWordLength: 100,
};

/** A trained WordPiece vocabulary. */
export interface WordPieceVocabulary {
  /** The tokens in id order: the {@link SPECIAL_TOKENS}, the alphabet, then the merged pieces. */
  readonly tokens: readonly string[];
  /** The merges in the order they were made, each `[left, right]` (the new piece is `left` + `right` without its `##`). */
  readonly merges: readonly (readonly [string, string])[];
  /** The options it was trained with, defaults filled in. */
  readonly options: Required<WordPieceTrainingOptions>;
}

/** Counts the words of texts ({@link normalizeText}, then {@link preTokenize}), in first-seen order. */
export function countWords(texts: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) for (const word of preTokenize(normalizeText(text))) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

/** A candidate merge in the priority queue: a pair of symbol ids and its count when it was queued. */
interface QueuedPair {
  readonly count: number;
  readonly left: number;
  readonly right: number;
}

/** Pair keys: `left * PAIR_KEY_BASE + right` (symbol ids stay far below it). */
const PAIR_KEY_BASE = 2 ** 24;

/** A binary max-heap under a strict total order `before(a, b)` (true when `a` comes out first). */
class Heap<T> {
  private readonly items: T[] = [];
  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[i] as T, items[parent] as T)) break;
      [items[i], items[parent]] = [items[parent] as T, items[i] as T];
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let best = i;
        if (left < items.length && this.before(items[left] as T, items[best] as T)) best = left;
        if (right < items.length && this.before(items[right] as T, items[best] as T)) best = right;
        if (best === i) break;
        [items[i], items[best]] = [items[best] as T, items[i] as T];
        i = best;
      }
    }
    return top;
  }
}

/** The characters (code points) of a word: a character above U+FFFF is one character, not two code units. */
function characters(word: string): string[] {
  return Array.from(word);
}

/**
 * Trains a WordPiece vocabulary on word counts, the way Hugging Face's `WordPieceTrainer` does: by
 * byte-pair-encoding merges over characters, with word-inner pieces marked `##`.
 *
 * 1. **Alphabet**: the characters of the words (at most `maxWordLength` code units long), counted
 *    with the words' counts; the `alphabetLimit` most frequent are kept (ties: lower code point
 *    first). Words with a character outside the alphabet are not trained on.
 * 2. **Initial vocabulary**: the {@link SPECIAL_TOKENS} (ids 0-4), then every alphabet character as a
 *    word-initial piece (`c`) in code-point order, then every one as a continuation (`##c`) in
 *    code-point order: any word of alphabet characters can be spelt, so `[UNK]` comes only from an
 *    unknown character or a too-long word.
 * 3. **Merges**: every word is a sequence of pieces (`w ##o ##r ##d`). Repeatedly, the most frequent
 *    adjacent pair of pieces (counted with the words' counts) is merged everywhere, left to right,
 *    into one piece (`w` + `##o` gives `wo`; `##o` + `##r` gives `##or`), which joins the vocabulary
 *    unless it is already there. Ties go to the pair whose left piece, then right piece, comes first in
 *    UTF-16 code-unit order. Merging stops when the vocabulary has `vocabSize` tokens or no pair occurs
 *    `minPairFrequency` times.
 *
 * Deterministic: the same counts (in any order) and options give the same vocabulary.
 *
 * @throws RangeError when the special tokens and the alphabet alone exceed `vocabSize`.
 */
export function trainWordPiece(wordCounts: ReadonlyMap<string, number>, options: WordPieceTrainingOptions = {}): WordPieceVocabulary {
  const settings: Required<WordPieceTrainingOptions> = { ...WORDPIECE_TRAINING_DEFAULTS, ...options };
  const { vocabSize, minPairFrequency, alphabetLimit, maxWordLength } = settings;

  const characterCounts = new Map<string, number>();
  for (const [word, count] of wordCounts) {
    if (word.length > maxWordLength) continue;
    for (const character of characters(word)) characterCounts.set(character, (characterCounts.get(character) ?? 0) + count);
  }
  const byCodePoint = (a: string, b: string): number => (a.codePointAt(0) as number) - (b.codePointAt(0) as number);
  const alphabet = [...characterCounts.entries()]
    .sort((a, b) => b[1] - a[1] || byCodePoint(a[0], b[0]))
    .slice(0, alphabetLimit)
    .map(([character]) => character)
    .sort(byCodePoint);
  const initial = [...SPECIAL_TOKENS, ...alphabet, ...alphabet.map((character) => CONTINUATION_PREFIX + character)];
  if (initial.length > vocabSize) {
    throw new RangeError(`trainWordPiece: vocabSize ${vocabSize} is below the ${SPECIAL_TOKENS.length} special tokens plus 2 x ${alphabet.length} alphabet pieces (${initial.length})`);
  }

  const tokens: string[] = [...initial];
  const symbolIds = new Map<string, number>();
  const symbols: string[] = [];
  const symbolId = (symbol: string): number => {
    let id = symbolIds.get(symbol);
    if (id === undefined) {
      id = symbols.length;
      symbols.push(symbol);
      symbolIds.set(symbol, id);
    }
    return id;
  };
  for (const token of initial.slice(SPECIAL_TOKENS.length)) symbolId(token);

  const inAlphabet = new Set(alphabet);
  const words: number[][] = [];
  const wordFrequency: number[] = [];
  for (const [word, count] of wordCounts) {
    if (word.length > maxWordLength) continue;
    const chars = characters(word);
    if (!chars.every((character) => inAlphabet.has(character))) continue;
    words.push(chars.map((character, i) => symbolId(i === 0 ? character : CONTINUATION_PREFIX + character)));
    wordFrequency.push(count);
  }

  const pairCounts = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const addPair = (w: number, left: number, right: number, count: number): number => {
    const key = left * PAIR_KEY_BASE + right;
    pairCounts.set(key, (pairCounts.get(key) ?? 0) + count);
    let holders = pairWords.get(key);
    if (holders === undefined) pairWords.set(key, (holders = new Set()));
    holders.add(w);
    return key;
  };
  // Removes the pairs of word w that a merge of (left, right) breaks or replaces: the pair itself and
  // its neighbours on either side of each merged occurrence.
  const removeBrokenPairs = (w: number, left: number, right: number): void => {
    const word = words[w] as number[];
    const count = wordFrequency[w] as number;
    const remove = (i: number): void => {
      const key = (word[i] as number) * PAIR_KEY_BASE + (word[i + 1] as number);
      pairCounts.set(key, (pairCounts.get(key) ?? 0) - count);
    };
    let lastRemoved = -1;
    for (let i = 0; i + 1 < word.length; i++) {
      if (word[i] !== left || word[i + 1] !== right) continue;
      for (const j of [i - 1, i, i + 1]) {
        if (j > lastRemoved && j >= 0 && j + 1 < word.length) {
          remove(j);
          lastRemoved = j;
        }
      }
      i += 1;
    }
  };
  words.forEach((word, w) => {
    for (let i = 0; i + 1 < word.length; i++) addPair(w, word[i] as number, word[i + 1] as number, wordFrequency[w] as number);
  });

  const before = (a: QueuedPair, b: QueuedPair): boolean => {
    if (a.count !== b.count) return a.count > b.count;
    const [aLeft, bLeft] = [symbols[a.left] as string, symbols[b.left] as string];
    if (aLeft !== bLeft) return aLeft < bLeft;
    return (symbols[a.right] as string) < (symbols[b.right] as string);
  };
  const queue = new Heap<QueuedPair>(before);
  const enqueue = (key: number): void => {
    const count = pairCounts.get(key) ?? 0;
    if (count > 0) queue.push({ count, left: Math.floor(key / PAIR_KEY_BASE), right: key % PAIR_KEY_BASE });
  };
  for (const key of pairCounts.keys()) enqueue(key);

  const merges: [string, string][] = [];
  while (tokens.length < vocabSize && queue.size > 0) {
    const top = queue.pop() as QueuedPair;
    const key = top.left * PAIR_KEY_BASE + top.right;
    const current = pairCounts.get(key) ?? 0;
    if (current !== top.count) {
      // Stale: the count fell since it was queued (requeue at its count) or rose (queued again already).
      if (current < top.count) enqueue(key);
      continue;
    }
    if (current < minPairFrequency) break;
    const left = symbols[top.left] as string;
    const right = symbols[top.right] as string;
    const merged = left + right.slice(CONTINUATION_PREFIX.length);
    const isNew = !symbolIds.has(merged);
    const mergedId = symbolId(merged);
    if (isNew) tokens.push(merged);
    merges.push([left, right]);

    const increased = new Set<number>();
    for (const w of pairWords.get(key) ?? []) {
      const word = words[w] as number[];
      let holds = false;
      for (let i = 0; i + 1 < word.length && !holds; i++) holds = word[i] === top.left && word[i + 1] === top.right;
      if (!holds) continue;
      removeBrokenPairs(w, top.left, top.right);
      const next: number[] = [];
      const mergedAt: number[] = [];
      for (let i = 0; i < word.length; i++) {
        if (i + 1 < word.length && word[i] === top.left && word[i + 1] === top.right) {
          mergedAt.push(next.length);
          next.push(mergedId);
          i += 1;
        } else {
          next.push(word[i] as number);
        }
      }
      words[w] = next;
      // The new pairs: each merged piece with its neighbours (every other pair was there before).
      let lastAdded = -1;
      for (const k of mergedAt) {
        for (const j of [k - 1, k]) {
          if (j > lastAdded && j >= 0 && j + 1 < next.length) {
            increased.add(addPair(w, next[j] as number, next[j + 1] as number, wordFrequency[w] as number));
            lastAdded = j;
          }
        }
      }
    }
    pairCounts.delete(key);
    pairWords.delete(key);
    for (const increasedKey of increased) enqueue(increasedKey);
  }
  return { tokens, merges, options: settings };
}

/** Trains a WordPiece vocabulary on texts: {@link countWords}, then {@link trainWordPiece}. */
export function trainWordPieceOnTexts(texts: Iterable<string>, options: WordPieceTrainingOptions = {}): WordPieceVocabulary {
  return trainWordPiece(countWords(texts), options);
}

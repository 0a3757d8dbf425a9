import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { normalizeText, preTokenize } from '../../src/text/pre-tokenize.js';
import { SPECIAL_TOKENS } from '../../src/text/special-tokens.js';
import { countWords, trainWordPiece, trainWordPieceOnTexts } from '../../src/text/train-wordpiece.js';
import { WordPieceTokenizer } from '../../src/text/wordpiece-tokenizer.js';

/** The hand-worked corpus (the classic one): hug x10, pug x5, pun x12, bun x4, hugs x5. */
const HUGS = new Map([
  ['hug', 10],
  ['pug', 5],
  ['pun', 12],
  ['bun', 4],
  ['hugs', 5],
]);

/** Its alphabet (b g h n p s u), word-initial then continuation, after the special tokens: 19 tokens. */
const HUGS_INITIAL = [...SPECIAL_TOKENS, 'b', 'g', 'h', 'n', 'p', 's', 'u', '##b', '##g', '##h', '##n', '##p', '##s', '##u'];

/**
 * A direct transcription of the merge rule, recounting every pair of every word before each merge:
 * the reference the incremental trainer must match.
 */
function referenceMerges(wordCounts: Map<string, number>, vocabSize: number, minPairFrequency: number): { tokens: string[]; merges: [string, string][] } {
  const alphabet = [...new Set([...wordCounts.keys()].flatMap((word) => Array.from(word)))].sort();
  const tokens = [...SPECIAL_TOKENS, ...alphabet, ...alphabet.map((c) => `##${c}`)];
  let words = [...wordCounts].map(([word, count]) => ({ pieces: Array.from(word).map((c, i) => (i === 0 ? c : `##${c}`)), count }));
  const merges: [string, string][] = [];
  while (tokens.length < vocabSize) {
    const counts = new Map<string, { left: string; right: string; count: number }>();
    for (const { pieces, count } of words) {
      for (let i = 0; i + 1 < pieces.length; i++) {
        const key = `${pieces[i]} ${pieces[i + 1]}`;
        const entry = counts.get(key) ?? { left: pieces[i]!, right: pieces[i + 1]!, count: 0 };
        entry.count += count;
        counts.set(key, entry);
      }
    }
    const best = [...counts.values()].sort((a, b) => b.count - a.count || (a.left < b.left ? -1 : a.left > b.left ? 1 : a.right < b.right ? -1 : a.right > b.right ? 1 : 0))[0];
    if (best === undefined || best.count < minPairFrequency) break;
    const merged = best.left + best.right.slice(2);
    if (!tokens.includes(merged)) tokens.push(merged);
    merges.push([best.left, best.right]);
    words = words.map(({ pieces, count }) => {
      const next: string[] = [];
      for (let i = 0; i < pieces.length; i++) {
        if (pieces[i] === best.left && pieces[i + 1] === best.right) {
          next.push(merged);
          i += 1;
        } else next.push(pieces[i]!);
      }
      return { pieces: next, count };
    });
  }
  return { tokens, merges };
}

describe('normalizeText and preTokenize', () => {
  it('lower-cases, applies NFKC and drops format characters', () => {
    expect(normalizeText('FREE Ｍｏｎｅｙ ﬁnally\u200b!')).toBe('free money finally!');
    expect(normalizeText('a\u0000b\tc')).toBe('ab\tc');
  });

  it('splits on whitespace and makes each punctuation, symbol and Han character a word', () => {
    expect([...preTokenize(normalizeText("You've WON $1,000!!  (see http://x.com)"))]).toEqual(
      ['you', "'", 've', 'won', '$', '1', ',', '000', '!', '!', '(', 'see', 'http', ':', '/', '/', 'x', '.', 'com', ')'],
    );
    expect([...preTokenize('免费tv <b>')]).toEqual(['免', '费', 'tv', '<', 'b', '>']);
  });

  it('counts words in first-seen order', () => {
    expect([...countWords(['a b a', 'B, c'])]).toEqual([
      ['a', 2],
      ['b', 2],
      [',', 1],
      ['c', 1],
    ]);
  });
});

describe('trainWordPiece', () => {
  it('makes the hand-worked merges on hug/pug/pun/bun/hugs: ##ug, ##un, hug, pun, then the tie hugs before pug, then bun', () => {
    const vocabulary = trainWordPiece(HUGS, { vocabSize: 100 });
    expect(vocabulary.merges).toEqual([
      ['##u', '##g'], // 10 + 5 + 5 = 20
      ['##u', '##n'], // 12 + 4 = 16
      ['h', '##ug'], // 10 + 5 = 15
      ['p', '##un'], // 12
      ['hug', '##s'], // 5, tied with (p, ##ug) at 5: 'hug' < 'p'
      ['p', '##ug'], // 5
      ['b', '##un'], // 4
    ]);
    expect(vocabulary.tokens).toEqual([...HUGS_INITIAL, '##ug', '##un', 'hug', 'pun', 'hugs', 'pug', 'bun']);
  });

  it('stops at vocabSize, and at minPairFrequency', () => {
    expect(trainWordPiece(HUGS, { vocabSize: 22 }).tokens).toEqual([...HUGS_INITIAL, '##ug', '##un', 'hug']);
    expect(trainWordPiece(HUGS, { vocabSize: 100, minPairFrequency: 5 }).tokens.slice(HUGS_INITIAL.length)).toEqual(['##ug', '##un', 'hug', 'pun', 'hugs', 'pug']);
  });

  it('breaks ties on equal left pieces by the right piece', () => {
    const vocabulary = trainWordPiece(new Map([['ac', 3], ['ab', 3]]), { vocabSize: 100 });
    expect(vocabulary.merges).toEqual([['a', '##b'], ['a', '##c']]);
  });

  it('keeps only the alphabetLimit most frequent characters, and skips words with any other character or too long', () => {
    const vocabulary = trainWordPiece(new Map([['aab', 4], ['xa', 1], ['aaaaaaaa', 1]]), { vocabSize: 100, alphabetLimit: 2, maxWordLength: 5 });
    expect(vocabulary.tokens.slice(0, 9)).toEqual([...SPECIAL_TOKENS, 'a', 'b', '##a', '##b']);
    // aab: (a, ##a) and (##a, ##b) both 4; '##a' < 'a' in code-unit order ('#' is U+0023).
    expect(vocabulary.merges).toEqual([['##a', '##b'], ['a', '##ab']]);
  });

  it('matches the direct transcription of the merge rule on random corpora (with ties, repeated pieces and merges that make an existing token)', () => {
    const random = seedrandom.alea('kdlab/wordpiece-reference');
    for (let trial = 0; trial < 30; trial++) {
      const wordCounts = new Map<string, number>();
      for (let w = 0; w < 25; w++) {
        const length = 1 + Math.floor(random() * 7);
        const word = Array.from({ length }, () => 'abcd'[Math.floor(random() * 4)]).join('');
        wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1 + Math.floor(random() * 4));
      }
      const vocabSize = 20 + Math.floor(random() * 40);
      const minPairFrequency = 1 + Math.floor(random() * 3);
      const trained = trainWordPiece(wordCounts, { vocabSize, minPairFrequency });
      const reference = referenceMerges(wordCounts, vocabSize, minPairFrequency);
      expect(trained.merges).toEqual(reference.merges);
      expect(trained.tokens).toEqual(reference.tokens);
    }
  });

  it('is deterministic: the same words in another order give the same vocabulary', () => {
    const texts = ['the cat sat on the mat', 'the dog sat on the log', 'cats and dogs', 'a cat, a dog; a mat!'];
    const forward = trainWordPieceOnTexts(texts, { vocabSize: 80 });
    const backward = trainWordPieceOnTexts([...texts].reverse(), { vocabSize: 80 });
    expect(backward.tokens).toEqual(forward.tokens);
    expect(new Set(forward.tokens).size).toBe(forward.tokens.length);
  });

  it('refuses a vocabSize below the special tokens plus the alphabet', () => {
    expect(() => trainWordPiece(HUGS, { vocabSize: 18 })).toThrow(/vocabSize 18 is below .* \(19\)/);
  });
});

describe('WordPieceTokenizer', () => {
  const tokenizer = new WordPieceTokenizer(trainWordPiece(HUGS, { vocabSize: 100 }).tokens);
  const pieces = (text: string): string[] => tokenizer.decodeTokens(tokenizer.encode(text));

  it('spells each word with the longest piece first, then ## pieces; an unspellable word is one [UNK]', () => {
    expect(pieces('Hugs bugs hun mug pug')).toEqual(['hugs', 'b', '##ug', '##s', 'h', '##un', '[UNK]', 'pug']);
    expect(pieces('sup')).toEqual(['s', '##u', '##p']);
  });

  it('makes a word longer than maxWordLength one [UNK]', () => {
    const short = new WordPieceTokenizer(tokenizer.tokens, 3);
    expect(short.decodeTokens(short.encode('hug hugs'))).toEqual(['hug', '[UNK]']);
  });

  it('writes rows as [CLS], pieces, [SEP], then [PAD] = 0, truncating to the sequence length', () => {
    const out = new Float32Array(2 * 6).fill(9);
    expect(tokenizer.encodeRow('hugs bun', 6, out, 0)).toBe(4);
    expect(tokenizer.encodeRow('bugs bugs pug', 6, out, 6)).toBe(6);
    expect(tokenizer.decodeTokens(out.subarray(0, 6))).toEqual(['[CLS]', 'hugs', 'bun', '[SEP]', '[PAD]', '[PAD]']);
    expect(tokenizer.decodeTokens(out.subarray(6, 12))).toEqual(['[CLS]', 'b', '##ug', '##s', 'b', '[SEP]']);
    expect(Array.from(out.subarray(4, 6))).toEqual([0, 0]);
    expect(() => tokenizer.encodeRow('x', 1, out)).toThrow(/sequenceLength is 1/);
  });

  it('needs the special tokens first and no token twice', () => {
    expect(() => new WordPieceTokenizer(['a', ...SPECIAL_TOKENS])).toThrow(/token 0 must be \[PAD\]/);
    expect(() => new WordPieceTokenizer([...SPECIAL_TOKENS, 'a', 'a'])).toThrow(/"a" appears twice/);
  });
});

import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { maskingVocabulary, maskSeedString, maskTokens, type MaskingRule } from '@kdlab/core';

const vocabulary = maskingVocabulary({ vocabSize: 50, specialTokenIds: { pad: 0, unk: 1, cls: 2, sep: 3, mask: 4 } });
const bert: MaskingRule = { maskRate: 0.15, maskTokenRate: 0.8, randomTokenRate: 0.1 };

/** Rows as a kdlab token dataset writes them: [CLS], regular ids drawn from `random`, [SEP], then [PAD]. */
function rows(count: number, length: number, random: () => number): Float32Array {
  const ids = new Float32Array(count * length);
  for (let row = 0; row < count; row += 1) {
    const used = 3 + Math.floor(random() * (length - 3));
    ids[row * length] = 2;
    for (let i = 1; i < used - 1; i += 1) ids[row * length + i] = 5 + Math.floor(random() * 45);
    ids[row * length + used - 1] = 3;
  }
  return ids;
}

describe('maskTokens (BERT\'s 15% / 80-10-10 rule)', () => {
  it('never chooses [PAD], [CLS], [SEP] or [MASK]; [UNK] and every other id may be chosen and drawn', () => {
    expect(Array.from(vocabulary.eligible.slice(0, 6))).toEqual([0, 1, 0, 0, 0, 1]);
    expect(vocabulary.regularIds.length).toBe(46);
    expect(Array.from(vocabulary.regularIds).slice(0, 2)).toEqual([1, 5]);
    const ids = rows(200, 32, seedrandom.alea('rows'));
    const masked = maskTokens(ids, 32, { maskRate: 0.9, maskTokenRate: 0.8, randomTokenRate: 0.1 }, vocabulary, seedrandom.alea('mask'));
    for (const position of masked.positions) expect(vocabulary.eligible[ids[position]!]).toBe(1);
    ids.forEach((id, index) => {
      if (vocabulary.eligible[id] === 0) expect(masked.input[index]).toBe(id);
    });
    expect(() => maskingVocabulary({ vocabSize: 2, specialTokenIds: { pad: 0, mask: 1 } })).toThrow(/no regular token/);
  });

  it('chooses 15% of the eligible tokens and replaces 80% of those by [MASK], 10% by a random regular token, and leaves 10%', () => {
    const length = 64;
    const ids = rows(4000, length, seedrandom.alea('corpus'));
    const eligible = ids.filter((id) => vocabulary.eligible[id] === 1).length;
    const masked = maskTokens(ids, length, bert, vocabulary, seedrandom.alea('stats'));
    let toMask = 0;
    let changed = 0;
    let kept = 0;
    masked.positions.forEach((position, i) => {
      expect(masked.targets[i]).toBe(ids[position]);
      const now = masked.input[position]!;
      if (now === 4) toMask += 1;
      else if (now !== ids[position]) {
        changed += 1;
        expect(vocabulary.eligible[now]).toBe(1);
      } else kept += 1;
    });
    const chosen = masked.positions.length;
    expect(eligible).toBeGreaterThan(100_000);
    // binomial standard deviations: sqrt(0.15 * 0.85 / eligible) < 0.0011, sqrt(0.8 * 0.2 / chosen) < 0.0027
    expect(Math.abs(chosen / eligible - 0.15)).toBeLessThan(0.005);
    expect(Math.abs(toMask / chosen - 0.8)).toBeLessThan(0.012);
    // a random draw can give the token itself back (1 in 46): it then counts as kept
    expect(Math.abs(changed / chosen - 0.1 * (45 / 46))).toBeLessThan(0.008);
    expect(Math.abs(kept / chosen - (0.1 + 0.1 / 46))).toBeLessThan(0.008);
    // only the chosen positions change
    let differing = 0;
    ids.forEach((id, index) => (differing += masked.input[index] === id ? 0 : 1));
    expect(differing).toBe(toMask + changed);
    expect(Array.from(masked.positions)).toEqual(Array.from(masked.positions).sort((a, b) => a - b));
  });

  it('random replacements are uniform over the regular ids', () => {
    const ids = rows(3000, 64, seedrandom.alea('uniform'));
    const masked = maskTokens(ids, 64, { maskRate: 0.5, maskTokenRate: 0, randomTokenRate: 1 }, vocabulary, seedrandom.alea('draws'));
    const counts = new Map<number, number>();
    masked.positions.forEach((position) => counts.set(masked.input[position]!, (counts.get(masked.input[position]!) ?? 0) + 1));
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual(Array.from(vocabulary.regularIds));
    const expected = masked.positions.length / 46;
    for (const count of counts.values()) expect(Math.abs(count - expected) / expected).toBeLessThan(0.15);
  });

  it('is a function of the rows and the generator: the same seed masks the same tokens, another seed others', () => {
    const ids = rows(50, 32, seedrandom.alea('det'));
    const a = maskTokens(ids, 32, bert, vocabulary, seedrandom.alea(maskSeedString(7, 0)));
    const b = maskTokens(ids, 32, bert, vocabulary, seedrandom.alea(maskSeedString(7, 0)));
    const c = maskTokens(ids, 32, bert, vocabulary, seedrandom.alea(maskSeedString(7, 1)));
    expect(b).toEqual(a);
    expect(Array.from(c.positions)).not.toEqual(Array.from(a.positions));
    expect(maskSeedString(7, 'val')).not.toBe(maskSeedString(7, 0));
  });

  it('gives a batch with no chosen token one, so that every step predicts something; a batch of padding only none', () => {
    const ids = rows(2, 16, seedrandom.alea('few'));
    const masked = maskTokens(ids, 16, { maskRate: 1e-12, maskTokenRate: 1, randomTokenRate: 0 }, vocabulary, seedrandom.alea('one'));
    expect(masked.positions.length).toBe(1);
    expect(masked.input[masked.positions[0]!]).toBe(4);
    expect(maskTokens(new Float32Array(32), 16, bert, vocabulary, seedrandom.alea('pads')).positions.length).toBe(0);
  });

  it('reads float ids as the embedding does, and wants whole rows', () => {
    const masked = maskTokens(Float32Array.from([2, 7.6, 3, 0]), 4, { maskRate: 0.999999, maskTokenRate: 0, randomTokenRate: 0 }, vocabulary, seedrandom.alea('t'));
    expect(Array.from(masked.targets)).toEqual([7]);
    expect(() => maskTokens(new Float32Array(5), 4, bert, vocabulary, Math.random)).toThrow(/not whole rows of 4/);
  });
});

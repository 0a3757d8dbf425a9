import { describe, expect, it } from 'vitest';
import { combineTeacherLogits } from '../src/engine/combine-teacher-logits.js';

const a = new Float32Array([2, 0, 0, /**/ 0, 1, 0]);
const b = new Float32Array([0, 0, 4, /**/ 0, 3, 0]);

describe('combineTeacherLogits', () => {
  it('averages logits', () => {
    expect([...combineTeacherLogits([a, b], 3, 'mean-logits')]).toEqual([1, 0, 2, 0, 2, 0]);
  });

  it('weights logits with normalised weights', () => {
    expect([...combineTeacherLogits([a, b], 3, { weights: [3, 1] })]).toEqual([1.5, 0, 1, 0, 1.5, 0]);
  });

  it('averages probabilities: softmax of the result is the mean of the softmaxes', () => {
    const softmax = (row: number[]) => {
      const e = row.map(Math.exp);
      const s = e.reduce((x, y) => x + y, 0);
      return e.map((v) => v / s);
    };
    const out = combineTeacherLogits([a, b], 3, 'mean-probs');
    const expected = softmax([2, 0, 0]).map((p, i) => (p + softmax([0, 0, 4])[i]!) / 2);
    softmax([...out.slice(0, 3)]).forEach((p, i) => expect(p).toBeCloseTo(expected[i]!, 6));
  });

  it('names mismatched sizes', () => {
    expect(() => combineTeacherLogits([a, new Float32Array(3)], 3, 'mean-logits')).toThrow('teacher 2 has 3 logits, teacher 1 has 6');
  });
});

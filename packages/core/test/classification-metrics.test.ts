import { describe, expect, it } from 'vitest';
import { classificationMetrics, ECE_BINS } from '../src/engine/classification-metrics.js';

describe('classificationMetrics', () => {
  it('computes accuracy, NLL and agreement as computed by hand', () => {
    // Two examples, three classes.
    const logits = new Float32Array([2, 0, 0, /**/ 0, 1, 3]);
    const labels = new Int32Array([0, 1]);
    const m = classificationMetrics(logits, labels, 3, new Int32Array([0, 1]));
    // Example 0: predicted 0 (correct); p0 = e^2 / (e^2 + 2).
    const p0 = Math.exp(2) / (Math.exp(2) + 2);
    // Example 1: predicted 2 (wrong); p(label 1) = e / (1 + e + e^3).
    const p1 = Math.E / (1 + Math.E + Math.exp(3));
    expect(m.accuracy).toBe(0.5);
    expect(m.nll).toBeCloseTo((-Math.log(p0) - Math.log(p1)) / 2, 6);
    expect([...m.predictions]).toEqual([0, 2]);
    expect(m.agreement).toBe(0.5);
  });

  it('computes the expected calibration error over equal-width confidence bins', () => {
    // Confidence of example 0 = p0 (correct), example 1 = e^3/(1+e+e^3) (wrong): different bins.
    const logits = new Float32Array([2, 0, 0, 0, 1, 3]);
    const m = classificationMetrics(logits, new Int32Array([0, 1]), 3);
    const c0 = Math.exp(2) / (Math.exp(2) + 2);
    const c1 = Math.exp(3) / (1 + Math.E + Math.exp(3));
    expect(Math.floor(c0 * ECE_BINS)).not.toBe(Math.floor(c1 * ECE_BINS));
    expect(m.ece).toBeCloseTo((Math.abs(c0 - 1) + Math.abs(c1 - 0)) / 2, 6);
  });

  it('computes each class\'s F1 and their mean (macro F1) as computed by hand', () => {
    // labels     0 0 0 1 1 2
    // predicted  0 0 1 1 2 2   (one-hot logits)
    const labels = new Int32Array([0, 0, 0, 1, 1, 2]);
    const predicted = [0, 0, 1, 1, 2, 2];
    const logits = new Float32Array(predicted.flatMap((p) => [0, 1, 2].map((c) => (c === p ? 5 : 0))));
    const m = classificationMetrics(logits, labels, 3);
    // class 0: TP 2, FP 0, FN 1 -> 4/5; class 1: TP 1, FP 1, FN 1 -> 2/4; class 2: TP 1, FP 1, FN 0 -> 2/3
    expect(m.f1ByClass[0]).toBeCloseTo(0.8, 12);
    expect(m.f1ByClass[1]).toBeCloseTo(0.5, 12);
    expect(m.f1ByClass[2]).toBeCloseTo(2 / 3, 12);
    expect(m.f1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12);
  });

  it('scores 1 for a class neither present nor predicted, and 0 for one present but never predicted', () => {
    const labels = new Int32Array([0, 0, 1]);
    const logits = new Float32Array([1, 0, 0, 1, 0, 0, 1, 0, 0]); // everything predicted 0
    const m = classificationMetrics(logits, labels, 3);
    expect(m.f1ByClass).toEqual([0.8, 0, 1]); // class 0: 2 TP, 1 FP -> 4/5
  });

  it('rejects logits whose size does not match the labels, naming both', () => {
    expect(() => classificationMetrics(new Float32Array(5), new Int32Array(2), 3)).toThrow(/5 values, expected 2 x 3/);
  });
});

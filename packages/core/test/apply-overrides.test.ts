import { describe, expect, it } from 'vitest';
import { applyOverrides, parseOverrideValue } from '../src/experiment/apply-overrides.js';

describe('applyOverrides', () => {
  const experiment = { train: { epochs: 10 }, losses: [{ kind: 'ce' }, { kind: 'hinton', temperature: 4 }] };

  it('sets nested fields and list elements by dotted path, on a copy', () => {
    const out = applyOverrides(experiment, ['train.epochs=2', 'losses.1.temperature=8', 'student.model.hidden=[30,30]']);
    expect(out).toEqual({
      train: { epochs: 2 },
      losses: [{ kind: 'ce' }, { kind: 'hinton', temperature: 8 }],
      student: { model: { hidden: [30, 30] } },
    });
    expect(experiment.train.epochs).toBe(10);
  });

  it('parses JSON values and keeps other text as strings', () => {
    expect(parseOverrideValue('4')).toBe(4);
    expect(parseOverrideValue('true')).toBe(true);
    expect(parseOverrideValue('fashion-mnist')).toBe('fashion-mnist');
  });

  it('names the override when it is malformed or walks through a plain value', () => {
    expect(() => applyOverrides(experiment, ['train.epochs'])).toThrow(/--set "train.epochs": expected path=value/);
    expect(() => applyOverrides(experiment, ['train.epochs.x=1'])).toThrow(/"train.epochs" is 10/);
    expect(() => applyOverrides(experiment, ['losses.first=1'])).toThrow(/"losses" is a list; "first" is not an index/);
  });
});

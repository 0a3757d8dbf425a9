import { describe, expect, it } from 'vitest';
import { canonicalJson, configHash } from '../src/config-hash.js';
import { flattenParams } from '../src/flatten-params.js';

describe('flattenParams', () => {
  it('flattens a config into the same dotted paths --set uses, values as strings', () => {
    expect(
      flattenParams({
        name: 'x',
        student: { model: { kind: 'mlp', hidden: [800, 800], dropout: 0 } },
        losses: [{ kind: 'ce', weight: 0.3 }, { kind: 'hinton', weight: 0.7, temperature: 4 }],
        baseline: true,
      }),
    ).toEqual({
      name: 'x',
      'student.model.kind': 'mlp',
      'student.model.hidden': '[800,800]',
      'student.model.dropout': '0',
      'losses.0.kind': 'ce',
      'losses.0.weight': '0.3',
      'losses.1.kind': 'hinton',
      'losses.1.weight': '0.7',
      'losses.1.temperature': '4',
      baseline: 'true',
    });
  });
});

describe('configHash', () => {
  it('ignores key order and changes with any value', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
    expect(configHash({ a: 1, b: [1, 2] })).toBe(configHash({ b: [1, 2], a: 1 }));
    expect(configHash({ a: 1, b: [1, 2] })).not.toBe(configHash({ a: 1, b: [2, 1] }));
    expect(configHash({ a: 1 })).toMatch(/^[0-9a-f]{16}$/);
  });
});

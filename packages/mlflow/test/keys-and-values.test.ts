import { describe, expect, it } from 'vitest';
import { MlflowValidationError, validateKey } from '../src/index.js';
import { posixNormpath } from '../src/validation/posix-normpath.js';
import { decodeMetricValue, encodeMetricValue, MAX_FLOAT } from '../src/wire/metric-value.js';
import { MlflowResponseError } from '../src/errors/response-error.js';
import { excerptOfBody } from '../src/errors/http-error.js';

describe('keys, checked as MLflow checks them', () => {
  it('accepts letters of any script, digits, _ - . / and space', () => {
    for (const key of ['train/loss', 'val acc', 'lr-0.1', 'layer_3.attn', 'température', '精度', 'x²', '__proto__', 'a'.repeat(250)]) {
      expect(validateKey(key, 'key')).toBe(key);
    }
  });

  it('refuses other characters, path-like keys, empty and over-long keys', () => {
    for (const key of ['bad:key', 'a\\b', 'tab\tkey', 'emoji😀', 'a//b', '/x', '../x', '..x', 'x/', './x', 'a/./b', 'a/../b', '.', '', 'a'.repeat(251)]) {
      expect(() => validateKey(key, 'metrics[0].key'), key).toThrow(MlflowValidationError);
    }
  });

  it('normalises paths exactly like Python posixpath.normpath', () => {
    const expected: [string, string][] = [
      ['', '.'], ['a//b', 'a/b'], ['/x', '/x'], ['//x', '//x'], ['///x', '/x'], ['../x', '../x'], ['a/../..', '..'],
      ['x/', 'x'], ['./x', 'x'], ['a/./b', 'a/b'], ['/..', '/'], ['a/b/../c', 'a/c'], ['..x', '..x'],
    ];
    for (const [path, normalised] of expected) expect(posixNormpath(path), path).toBe(normalised);
  });
});

describe('metric values on the wire', () => {
  it('sends non-finite values as MLflow spells them and finite ones unchanged', () => {
    expect([NaN, Infinity, -Infinity, 0, -0.5, MAX_FLOAT].map(encodeMetricValue)).toEqual(['NaN', 'Infinity', '-Infinity', 0, -0.5, MAX_FLOAT]);
  });

  it('reads "NaN", "Infinity", "-Infinity" and (by default) ±max float back as non-finite', () => {
    expect(decodeMetricValue('NaN', true, 'v')).toBeNaN();
    expect(decodeMetricValue('Infinity', true, 'v')).toBe(Infinity);
    expect(decodeMetricValue('-Infinity', false, 'v')).toBe(-Infinity);
    expect(decodeMetricValue(1.7976931348623157e308, true, 'v')).toBe(Infinity);
    expect(decodeMetricValue(-1.7976931348623157e308, true, 'v')).toBe(-Infinity);
    expect(decodeMetricValue(1.7976931348623157e308, false, 'v')).toBe(MAX_FLOAT);
    expect(() => decodeMetricValue('0.5', true, 'runs/get: run.data.metrics[0].value')).toThrow(
      /runs\/get: run\.data\.metrics\[0\]\.value/,
    );
    expect(() => decodeMetricValue(null, true, 'v')).toThrow(MlflowResponseError);
  });
});

describe('excerpts of non-JSON error bodies', () => {
  it('drops tags, scripts and entities and keeps at most 200 characters', () => {
    expect(excerptOfBody('<html><script>var x = 1;</script><h1>Bad &amp; Gateway</h1>\n\n<p>nginx</p></html>')).toBe('Bad & Gateway nginx');
    const long = excerptOfBody(`<p>${'word '.repeat(100)}</p>`);
    expect(long.length).toBe(200);
    expect(long.endsWith('…')).toBe(true);
  });
});

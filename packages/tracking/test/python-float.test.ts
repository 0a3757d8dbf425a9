import { describe, expect, it } from 'vitest';
import { formatPythonFloat, parsePythonFloat, parsePythonInt } from '../src/mlruns/python-float.js';

describe('formatPythonFloat', () => {
  // Expected strings are Python 3.11's repr() of the same doubles.
  const pythonRepr: [number, string][] = [
    [0, '0.0'],
    [-0, '-0.0'],
    [1, '1.0'],
    [0.5, '0.5'],
    [0.1, '0.1'],
    [1 / 3, '0.3333333333333333'],
    [100, '100.0'],
    [123456789, '123456789.0'],
    [1e15, '1000000000000000.0'],
    [1e16, '1e+16'],
    [1.5e16, '1.5e+16'],
    [1e-4, '0.0001'],
    [1e-5, '1e-05'],
    [0.00012345, '0.00012345'],
    [1.5e-7, '1.5e-07'],
    [2.5e20, '2.5e+20'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [5e-324, '5e-324'],
    [-2.75, '-2.75'],
    [12345678901234567, '1.2345678901234568e+16'],
    [0.30000000000000004, '0.30000000000000004'],
    [9007199254740993, '9007199254740992.0'],
    [1e21, '1e+21'],
    [1e22, '1e+22'],
    [123.456, '123.456'],
    [NaN, 'nan'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
  ];

  it.each(pythonRepr)('writes %s as Python writes it: %s', (value, expected) => {
    expect(formatPythonFloat(value)).toBe(expected);
  });

  it('round-trips every value through parsePythonFloat', () => {
    for (const [value] of pythonRepr) expect(Object.is(parsePythonFloat(formatPythonFloat(value)), value)).toBe(true);
  });
});

describe('parsePythonFloat and parsePythonInt', () => {
  it("accept what Python's float() accepts", () => {
    expect(parsePythonFloat('1')).toBe(1);
    expect(parsePythonFloat('.5')).toBe(0.5);
    expect(parsePythonFloat('1.')).toBe(1);
    expect(parsePythonFloat('1e3')).toBe(1000);
    expect(parsePythonFloat('1_000.5')).toBe(1000.5);
    expect(parsePythonFloat('NaN')).toBeNaN();
    expect(parsePythonFloat('Infinity')).toBe(Infinity);
    expect(parsePythonFloat('-INF')).toBe(-Infinity);
  });

  it("reject what Python's float() and int() reject", () => {
    for (const text of ['', 'abc', '1..2', '1e', '_1', '1__0', '0x10', '1,5']) expect(parsePythonFloat(text)).toBeUndefined();
    for (const text of ['', '1.0', '1e3', 'nan', '_1']) expect(parsePythonInt(text)).toBeUndefined();
    expect(parsePythonInt('-007')).toBe(-7);
  });
});

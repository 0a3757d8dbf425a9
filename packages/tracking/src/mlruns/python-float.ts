/**
 * Formats a metric value the way MLflow's file store writes it: Python's `repr(float)`.
 *
 * Digits are the shortest that round-trip (the same digits JavaScript picks); the layout is
 * Python's: fixed notation with at least one decimal (`1.0`, `0.0001`) when the decimal exponent
 * lies in [-4, 16), scientific otherwise (`1e-05`, `1.5e+16`), and `nan`, `inf`, `-inf` for
 * non-finite values.
 *
 * @param value - Any number.
 * @returns The text MLflow would write for that value.
 */
export function formatPythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const sign = value < 0 ? '-' : '';
  const [mantissa = '', exponentText = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const exponentSign = exponent < 0 ? '-' : '+';
    return `${sign}${digits[0]}${fraction}e${exponentSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const pointPosition = exponent + 1;
  if (pointPosition <= 0) return `${sign}0.${'0'.repeat(-pointPosition)}${digits}`;
  if (pointPosition >= digits.length) return `${sign}${digits}${'0'.repeat(pointPosition - digits.length)}.0`;
  return `${sign}${digits.slice(0, pointPosition)}.${digits.slice(pointPosition)}`;
}

const PYTHON_FLOAT_PATTERN = /^[+-]?(?:(?:\d(?:_?\d)*)?\.?\d(?:_?\d)*|\d(?:_?\d)*\.)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const PYTHON_NON_FINITE_PATTERN = /^([+-]?)(nan|inf|infinity)$/i;

/**
 * Parses a number as Python's `float()` does (what the MLflow server reads metric files with):
 * decimal and scientific forms, digit-group underscores, and `nan` / `inf` / `infinity` in any case.
 *
 * @param text - The text of one field, without surrounding spaces.
 * @returns The number, or `undefined` when Python's `float()` would reject the text.
 */
export function parsePythonFloat(text: string): number | undefined {
  const nonFinite = PYTHON_NON_FINITE_PATTERN.exec(text);
  if (nonFinite) {
    if (nonFinite[2]?.toLowerCase() === 'nan') return NaN;
    return nonFinite[1] === '-' ? -Infinity : Infinity;
  }
  if (!PYTHON_FLOAT_PATTERN.test(text)) return undefined;
  return Number(text.replaceAll('_', ''));
}

const PYTHON_INT_PATTERN = /^[+-]?\d(?:_?\d)*$/;

/**
 * Parses an integer as Python's `int()` does for a metric file's timestamp and step fields.
 *
 * @param text - The text of one field, without surrounding spaces.
 * @returns The integer, or `undefined` when Python's `int()` would reject the text.
 */
export function parsePythonInt(text: string): number | undefined {
  if (!PYTHON_INT_PATTERN.test(text)) return undefined;
  return Number(text.replaceAll('_', ''));
}

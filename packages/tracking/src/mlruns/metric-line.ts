import { formatPythonFloat, parsePythonFloat, parsePythonInt } from './python-float.js';

/** One stored point of a metric's history. */
export interface MlrunsMetricPoint {
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** The value; NaN and infinities are stored as `nan`, `inf`, `-inf`. */
  value: number;
  /** The step. */
  step: number;
}

/**
 * One line of a metric file, as MLflow writes it: `"<timestamp> <value> <step>\n"`, the value
 * in Python's float notation.
 *
 * @param point - The point.
 */
export function formatMetricLine(point: MlrunsMetricPoint): string {
  return `${point.timestamp} ${formatPythonFloat(point.value)} ${point.step}\n`;
}

/**
 * Reads one line of a metric file as the MLflow server does: surrounding whitespace stripped,
 * fields split on single spaces, two fields (step 0) or three.
 *
 * @param line - The line, with or without its newline.
 * @returns The point, or a sentence saying why the server would fail on the line.
 */
export function parseMetricLine(line: string): MlrunsMetricPoint | string {
  const fields = line.trim().split(' ');
  if (fields.length !== 2 && fields.length !== 3) return `has ${fields.length} space-separated fields, expected 2 or 3`;
  const [timestampText = '', valueText = '', stepText] = fields;
  const timestamp = parsePythonInt(timestampText);
  if (timestamp === undefined) return `timestamp '${timestampText}' is not an integer`;
  const value = parsePythonFloat(valueText);
  if (value === undefined) return `value '${valueText}' is not a number`;
  const step = stepText === undefined ? 0 : parsePythonInt(stepText);
  if (step === undefined) return `step '${stepText ?? ''}' is not an integer`;
  return { timestamp, value, step };
}

/** The metric compared by default: last-epoch test accuracy. */
export const DEFAULT_COMPARED_METRIC = 'test/accuracy';

/** The per-epoch metric drawn as training curves. */
export const CURVE_METRIC = 'val/accuracy';

/** Model size and speed metrics. */
export const MODEL_METRICS = {
  /** Trainable parameters. */
  params: 'model/params',
  /** Median single-example latency in ms. */
  latencyMs: 'model/latency_ms',
} as const;

/**
 * The best-validation-epoch variant of a test metric: `test/accuracy` -> `test/best/accuracy`;
 * `undefined` for metrics outside `test/` (they have none).
 *
 * @param metric - A metric key.
 */
export function bestEpochMetric(metric: string): string | undefined {
  return metric.startsWith('test/') && !metric.startsWith('test/best/') ? `test/best/${metric.slice('test/'.length)}` : undefined;
}

/**
 * Whether smaller values of a metric are better: losses, NLL, calibration error, error rates and
 * latencies; everything else (accuracy, agreement) is better when larger.
 *
 * @param metric - A metric key.
 */
export function lowerIsBetter(metric: string): boolean {
  const name = metric.split('/').pop() ?? metric;
  return /(loss|nll|ece|error|latency)/i.test(name);
}

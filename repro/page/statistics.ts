import { pairedDifference, studentTQuantile, summarizeSample, type Interval, type PairedDifference, type SampleSummary } from '@kdlab/report';

/** A sample summarised, or nothing when it is empty. */
export function summarize(values: readonly number[]): SampleSummary | undefined {
  return values.length === 0 ? undefined : summarizeSample(values);
}

/** Values paired by key (a seed): `treated - control` for the keys both have. */
export function pairByKey(treated: ReadonlyMap<number, number>, control: ReadonlyMap<number, number>): PairedDifference | undefined {
  const pairs = [...treated].filter(([key]) => control.has(key)).map(([key, value]) => ({ treated: value, control: control.get(key)! }));
  return pairs.length === 0 ? undefined : pairedDifference(pairs);
}

/**
 * The gap recovered by distillation, per seed: `(baseline - distilled) / (baseline - teacher)` of the
 * errors (1 when the distilled student makes the teacher's errors, 0 when it makes the baseline's),
 * summarised over the seeds both students have. Undefined where the teacher is no better than a baseline.
 */
export function gapRecovered(distilled: ReadonlyMap<number, number>, baseline: ReadonlyMap<number, number>, teacherErrors: number): SampleSummary | undefined {
  const values: number[] = [];
  for (const [seed, errors] of distilled) {
    const base = baseline.get(seed);
    if (base === undefined || base <= teacherErrors) continue;
    values.push((base - errors) / (base - teacherErrors));
  }
  return summarize(values);
}

/** `mean [low, high]` with the given decimals, or `n/a`; `mean` alone for a sample of one. */
export function formatSummary(summary: SampleSummary | undefined, decimals = 1): string {
  if (summary === undefined) return 'n/a';
  // A single whole number (one teacher's errors) is shown as it is.
  const mean = summary.ci === undefined && Number.isInteger(summary.mean) ? String(summary.mean) : summary.mean.toFixed(decimals);
  return summary.ci === undefined ? mean : `${mean} [${summary.ci.low.toFixed(decimals)}, ${summary.ci.high.toFixed(decimals)}]`;
}

/** A paired difference as `+mean [low, high], p = ...`, or `n/a`. */
export function formatDifference(difference: PairedDifference | undefined, decimals = 1): string {
  if (difference === undefined) return 'n/a';
  const signed = (value: number): string => `${value > 0 ? '+' : ''}${value.toFixed(decimals)}`;
  const interval = difference.ci === undefined ? '' : ` [${signed(difference.ci.low)}, ${signed(difference.ci.high)}]`;
  return `${signed(difference.meanDifference)}${interval}${difference.pValue === undefined ? '' : `, p = ${formatP(difference.pValue)}`}`;
}

/** A p-value with two significant digits (`< 0.001` below that). */
export function formatP(p: number): string {
  return p < 0.001 ? '< 0.001' : p.toPrecision(2);
}

/** Whether a paired difference's 95% interval lies wholly below 0. */
export function significantlyBelowZero(difference: PairedDifference | undefined): boolean {
  return difference?.ci !== undefined && difference.ci.high < 0;
}

/** Whether a paired difference's 95% interval lies above 0 (the treated arm significantly higher). */
export function significantlyAboveZero(difference: PairedDifference | undefined): boolean {
  return difference?.ci !== undefined && difference.ci.low > 0;
}

/** Whether a paired difference's 95% interval contains 0 (no significant difference). */
export function containsZero(difference: PairedDifference | undefined): boolean {
  return difference?.ci !== undefined && difference.ci.low <= 0 && difference.ci.high >= 0;
}

/**
 * The difference of two independent means `a - b` with its 95% Welch t-interval (unequal variances,
 * Welch-Satterthwaite degrees of freedom), or undefined when either sample has fewer than two values.
 * For setting two implementations' results side by side (kdlab and its PyTorch twin).
 */
export function welchDifference(a: readonly number[], b: readonly number[], level = 0.95): { difference: number; ci: Interval } | undefined {
  const sa = summarize(a);
  const sb = summarize(b);
  if (sa?.sd === undefined || sb?.sd === undefined) return undefined;
  const va = (sa.sd * sa.sd) / sa.n;
  const vb = (sb.sd * sb.sd) / sb.n;
  const difference = sa.mean - sb.mean;
  if (va + vb === 0) return { difference, ci: { low: difference, high: difference } };
  const df = (va + vb) ** 2 / (va ** 2 / (sa.n - 1) + vb ** 2 / (sb.n - 1));
  const half = studentTQuantile((1 + level) / 2, df) * Math.sqrt(va + vb);
  return { difference, ci: { low: difference - half, high: difference + half } };
}

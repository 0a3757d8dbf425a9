// The noise of the bench's figures: a figure's spread over rounds, a ratio's interval, and whether a
// target is met only when its interval clears it (issue 15). Pure functions; bench/report/stats-check.ts
// checks them (`npx tsx bench/report/stats-check.ts`).

/** A figure over rounds: how many, the smallest, the median and the largest. */
export interface Spread {
  /** Rounds. */
  n: number;
  /** The smallest value. */
  min: number;
  /** The median (the mean of the two middle values for an even count). */
  median: number;
  /** The largest value. */
  max: number;
}

/** A ratio over rounds: the median of the per-round ratios and a 95% interval for it. */
export interface RatioInterval {
  /** Rounds paired. */
  n: number;
  /** The median of the per-round ratios. */
  median: number;
  /** The interval's lower end. */
  low: number;
  /** The interval's upper end. */
  high: number;
}

/** A target's goal: the ratio at least, or at most, this value. */
export interface Goal {
  /** `>=`: the ratio must reach `value`; `<=`: it must not exceed it. */
  op: '>=' | '<=';
  /** The threshold. */
  value: number;
}

/** Whether a target is met: `met` when the whole interval clears the goal, `not met` when none of it does, `open` when it straddles, `no interval` with fewer than 2 rounds. */
export type Verdict = 'met' | 'not met' | 'open' | 'no interval';

/** The finite values, in ascending order. */
function sorted(values: readonly number[]): number[] {
  return values.filter((value) => Number.isFinite(value)).sort((first, second) => first - second);
}

/** The median of sorted values. */
function middle(values: readonly number[]): number {
  const half = Math.floor(values.length / 2);
  return values.length % 2 === 1 ? values[half]! : (values[half - 1]! + values[half]!) / 2;
}

/** The median of `values` (finite ones only), or `undefined` when there is none. */
export function median(values: readonly number[]): number | undefined {
  const ordered = sorted(values);
  return ordered.length === 0 ? undefined : middle(ordered);
}

/** The spread of `values` over rounds (finite ones only), or `undefined` when there is none. */
export function spread(values: readonly number[]): Spread | undefined {
  const ordered = sorted(values);
  if (ordered.length === 0) return undefined;
  return { n: ordered.length, min: ordered[0]!, median: middle(ordered), max: ordered.at(-1)! };
}

/** A seeded generator of uniform numbers in [0, 1) (mulberry32), so that an interval is the same for the same rounds. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/** The `q` quantile (0..1) of sorted values, linearly interpolated. */
export function quantile(ordered: readonly number[], q: number): number {
  if (ordered.length === 1) return ordered[0]!;
  const position = q * (ordered.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, ordered.length - 1);
  return ordered[below]! + (ordered[above]! - ordered[below]!) * (position - below);
}

/**
 * A percentile-bootstrap interval for the median of `values`: `resamples` resamples of the rounds with
 * replacement, the median of each, and the (1 - level) / 2 and (1 + level) / 2 quantiles of those
 * medians. With 2 to 5 rounds it is (nearly) the smallest to the largest value, as it should be: so
 * few rounds say little more. `undefined` without values.
 */
export function bootstrapMedianInterval(values: readonly number[], options: { resamples?: number; level?: number; seed?: number } = {}): [number, number] | undefined {
  const ordered = sorted(values);
  if (ordered.length === 0) return undefined;
  const { resamples = 4000, level = 0.95, seed = 15 } = options;
  const random = seededRandom(seed);
  const medians: number[] = [];
  const sample: number[] = new Array<number>(ordered.length);
  for (let draw = 0; draw < resamples; draw++) {
    for (let index = 0; index < ordered.length; index++) sample[index] = ordered[Math.floor(random() * ordered.length)]!;
    medians.push(middle([...sample].sort((first, second) => first - second)));
  }
  medians.sort((first, second) => first - second);
  return [quantile(medians, (1 - level) / 2), quantile(medians, (1 + level) / 2)];
}

/**
 * The ratio `numerators[r] / denominators[r]` of each round `r` both have (the rounds alternate the
 * runners, so round `r` of each was measured at about the same time, under about the same load),
 * summarised as the median of those ratios and its bootstrap interval. `undefined` without a pair.
 */
export function pairedRatio(numerators: readonly number[], denominators: readonly number[]): RatioInterval | undefined {
  const ratios: number[] = [];
  for (let round = 0; round < Math.min(numerators.length, denominators.length); round++) {
    const ratio = numerators[round]! / denominators[round]!;
    if (Number.isFinite(ratio)) ratios.push(ratio);
  }
  const center = median(ratios);
  const interval = bootstrapMedianInterval(ratios);
  if (center === undefined || interval === undefined) return undefined;
  return { n: ratios.length, median: center, low: interval[0], high: interval[1] };
}

/**
 * Whether a ratio meets its goal: only when its whole interval clears it (`>=`: the lower end reaches
 * the goal; `<=`: the upper end does not exceed it); `not met` when the whole interval misses it;
 * `open` when it straddles; `no interval` for a single round (or none).
 */
export function judge(ratio: RatioInterval | undefined, goal: Goal): Verdict {
  if (ratio === undefined || ratio.n < 2) return 'no interval';
  if (goal.op === '>=') return ratio.low >= goal.value ? 'met' : ratio.high < goal.value ? 'not met' : 'open';
  return ratio.high <= goal.value ? 'met' : ratio.low > goal.value ? 'not met' : 'open';
}

/** `15.7 (13.9-16.9)`: the median and the range over rounds; the median alone for one round; `-` for none. */
export function formatSpread(value: Spread | undefined, digits = 1): string {
  if (value === undefined) return '-';
  if (value.n === 1) return value.median.toFixed(digits);
  return `${value.median.toFixed(digits)} (${value.min.toFixed(digits)}-${value.max.toFixed(digits)})`;
}

/** `0.92x [0.85-1.01]`: the median ratio and its 95% interval; without the interval for one round; `-` for none. */
export function formatRatio(value: RatioInterval | undefined, digits = 2): string {
  if (value === undefined) return '-';
  if (value.n === 1) return `${value.median.toFixed(digits)}x (1 round)`;
  return `${value.median.toFixed(digits)}x [${value.low.toFixed(digits)}-${value.high.toFixed(digits)}]`;
}

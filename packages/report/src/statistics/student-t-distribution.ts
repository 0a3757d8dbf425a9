import { logGamma } from './log-gamma.js';
import { regularizedIncompleteBeta } from './regularized-incomplete-beta.js';

function assertDegreesOfFreedom(degreesOfFreedom: number, caller: string): void {
  if (!(degreesOfFreedom > 0) || !Number.isFinite(degreesOfFreedom)) {
    throw new RangeError(`${caller}: degrees of freedom must be a positive finite number, got ${degreesOfFreedom}.`);
  }
}

/**
 * P(|T| >= |t|) for Student's t distribution: the two-sided tail, i.e. the p-value of a two-sided
 * t-test, computed as I_x(ν/2, 1/2) with x = ν / (ν + t²); 1 - x = t² / (ν + t²) is passed along
 * exactly, so that both tiny tails and values near 1 (t near 0) keep full precision.
 *
 * @param t - The statistic; ±Infinity gives 0, NaN gives NaN.
 * @param degreesOfFreedom - ν > 0.
 */
export function studentTTwoSidedTail(t: number, degreesOfFreedom: number): number {
  assertDegreesOfFreedom(degreesOfFreedom, 'studentTTwoSidedTail');
  if (Number.isNaN(t)) return Number.NaN;
  if (!Number.isFinite(t)) return 0;
  const square = t * t;
  const x = degreesOfFreedom / (degreesOfFreedom + square);
  const complement = square / (degreesOfFreedom + square);
  return regularizedIncompleteBeta(x, degreesOfFreedom / 2, 0.5, complement);
}

/**
 * The cumulative distribution function P(T <= t) of Student's t distribution.
 *
 * @param t - The point; ±Infinity give 1 and 0.
 * @param degreesOfFreedom - ν > 0.
 */
export function studentTCdf(t: number, degreesOfFreedom: number): number {
  assertDegreesOfFreedom(degreesOfFreedom, 'studentTCdf');
  if (Number.isNaN(t)) return Number.NaN;
  const tail = studentTTwoSidedTail(t, degreesOfFreedom) / 2;
  return t > 0 ? 1 - tail : tail;
}

/**
 * The density of Student's t distribution at t.
 *
 * @param t - The point.
 * @param degreesOfFreedom - ν > 0.
 */
export function studentTDensity(t: number, degreesOfFreedom: number): number {
  assertDegreesOfFreedom(degreesOfFreedom, 'studentTDensity');
  const nu = degreesOfFreedom;
  const logDensity = logGamma((nu + 1) / 2) - logGamma(nu / 2) - 0.5 * Math.log(nu * Math.PI) - ((nu + 1) / 2) * Math.log1p((t * t) / nu);
  return Math.exp(logDensity);
}

/**
 * The quantile function (inverse CDF) of Student's t distribution: the t with P(T <= t) = p.
 * Exact closed forms for ν = 1 and ν = 2; otherwise Newton's method kept inside a shrinking
 * bracket (bisection when a Newton step would leave it), to full double precision. Near the
 * median it solves P(0 < T < t) = |p - 1/2| (exact in floating point there) instead of the tail,
 * so small quantiles keep their relative precision.
 *
 * @param p - A probability in (0, 1); 0 and 1 give -Infinity and Infinity.
 * @param degreesOfFreedom - ν > 0.
 * @throws RangeError for p outside [0, 1].
 */
export function studentTQuantile(p: number, degreesOfFreedom: number): number {
  assertDegreesOfFreedom(degreesOfFreedom, 'studentTQuantile');
  if (!(p >= 0 && p <= 1)) throw new RangeError(`studentTQuantile: p must lie in [0, 1], got ${p}.`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  const sign = p > 0.5 ? 1 : -1;
  const tail = p > 0.5 ? 1 - p : p; // exact for p >= 1/2 (Sterbenz), and p itself below
  return sign * positiveQuantile(tail, Math.abs(p - 0.5), degreesOfFreedom);
}

/** The t > 0 with P(T > t) = tail, where central = 1/2 - tail = P(0 < T < t) is given exactly. */
function positiveQuantile(tail: number, central: number, nu: number): number {
  if (nu === 1) return 1 / Math.tan(Math.PI * tail); // cot(π·tail): no cancellation near the pole
  if (nu === 2) return (2 * central) / Math.sqrt(2 * tail * (1 - tail));
  // excess(t) decreases in t, with derivative -density(t), and is 0 at the quantile.
  const excess =
    central <= 0.25
      ? (t: number): number => central - centralProbability(t, nu)
      : (t: number): number => studentTTwoSidedTail(t, nu) / 2 - tail;
  let low = 0;
  let high = 1;
  while (excess(high) > 0) {
    low = high;
    high *= 2;
  }
  let t = Math.min(Math.max(normalUpperQuantile(tail), low), high);
  for (let iteration = 0; iteration < 200; iteration++) {
    const value = excess(t);
    if (value === 0) return t;
    if (value > 0) low = t;
    else high = t;
    const newton = t + value / studentTDensity(t, nu);
    const next = newton > low && newton < high ? newton : (low + high) / 2;
    if (Math.abs(next - t) <= 2 * Number.EPSILON * Math.abs(next) || high - low <= 2 * Number.EPSILON * high) return next;
    t = next;
  }
  return t;
}

/** P(0 < T < t) = I_y(1/2, ν/2) / 2 with y = t² / (ν + t²): accurate for small t. */
function centralProbability(t: number, nu: number): number {
  const square = t * t;
  return regularizedIncompleteBeta(square / (nu + square), 0.5, nu / 2, nu / (nu + square)) / 2;
}

/** A starting point: the standard normal upper quantile (Acklam's rational approximation, ~1e-9). */
function normalUpperQuantile(tail: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  if (tail < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(tail));
    return -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  const q = 0.5 - tail;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

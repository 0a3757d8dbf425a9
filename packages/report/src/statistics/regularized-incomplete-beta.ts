import { logBeta } from './log-gamma.js';

const RELATIVE_TOLERANCE = Number.EPSILON;
const TINY = 1e-300;
const MAX_ITERATIONS = 10_000;

/**
 * The regularized incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b), computed with its
 * continued fraction (modified Lentz), on the side of the symmetry I_x(a, b) = 1 - I_{1-x}(b, a)
 * where the fraction converges fast.
 *
 * @param x - The upper limit, in [0, 1].
 * @param a - First shape, positive.
 * @param b - Second shape, positive.
 * @param complement - 1 - x when the caller knows it more precisely than `1 - x` computes it.
 * @throws RangeError for x outside [0, 1] or a non-positive shape; Error when the fraction does not converge.
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number, complement: number = 1 - x): number {
  if (!(x >= 0 && x <= 1)) throw new RangeError(`regularizedIncompleteBeta: x must lie in [0, 1], got ${x}.`);
  if (!(a > 0) || !(b > 0) || !Number.isFinite(a) || !Number.isFinite(b)) {
    throw new RangeError(`regularizedIncompleteBeta: shapes must be positive finite numbers, got a = ${a}, b = ${b}.`);
  }
  if (x === 0) return 0;
  if (complement === 0) return 1;
  const logFront = a * Math.log(x) + b * Math.log(complement) - logBeta(a, b);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(complement, b, a)) / b;
}

/** The continued fraction of I_x(a, b), evaluated with the modified Lentz method. */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const sum = a + b;
  let c = 1;
  let d = 1 - (sum * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let fraction = d;
  for (let m = 1; m <= MAX_ITERATIONS; m++) {
    const twoM = 2 * m;
    const even = (m * (b - m) * x) / ((a + twoM - 1) * (a + twoM));
    d = 1 + even * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + even / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    fraction *= d * c;
    const odd = (-(a + m) * (sum + m) * x) / ((a + twoM) * (a + twoM + 1));
    d = 1 + odd * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + odd / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const step = d * c;
    fraction *= step;
    if (Math.abs(step - 1) <= RELATIVE_TOLERANCE) return fraction;
  }
  throw new Error(`regularizedIncompleteBeta: continued fraction did not converge for x = ${x}, a = ${a}, b = ${b}.`);
}

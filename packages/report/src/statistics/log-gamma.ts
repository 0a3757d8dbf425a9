/** Lanczos coefficients for g = 7, n = 9 (relative error below 2e-15 for positive arguments). */
const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
/** From here on Stirling's series with {@link stirlingCorrection} is used (its error is below 1e-17). */
const STIRLING_FROM = 10;

/**
 * δ(x) = ln Γ(x) - [(x - 1/2) ln x - x + ln √(2π)], the remainder of Stirling's formula, from its
 * asymptotic series (seven terms; for x >= 10 the first term left out is below 3e-17).
 *
 * @param x - A number >= 10.
 */
export function stirlingCorrection(x: number): number {
  const inverse = 1 / x;
  const square = inverse * inverse;
  return inverse * (1 / 12 + square * (-1 / 360 + square * (1 / 1260 + square * (-1 / 1680 + square * (1 / 1188 + square * (-691 / 360360 + square / 156))))));
}

/**
 * The natural logarithm of the gamma function, ln Γ(x), for x > 0: the Lanczos approximation
 * below 10 (the reflection formula below 1/2), Stirling's series from 10 on; relative error about 1e-15.
 *
 * @param x - A positive number.
 * @throws RangeError when x is not a positive finite number.
 */
export function logGamma(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`logGamma: x must be a positive finite number, got ${x}.`);
  if (x >= STIRLING_FROM) return (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + stirlingCorrection(x);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS_COEFFICIENTS[0]!;
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i++) sum += LANCZOS_COEFFICIENTS[i]! / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * ln B(a, b) = ln Γ(a) + ln Γ(b) - ln Γ(a + b), the logarithm of the beta function. For large
 * shapes the large terms of the three log-gammas are cancelled analytically first (Stirling
 * remainders and `log1p`), so the result keeps an absolute error near 1e-15 instead of growing
 * with ln Γ(a).
 *
 * @param a - First shape, positive.
 * @param b - Second shape, positive.
 * @throws RangeError when a shape is not a positive finite number.
 */
export function logBeta(a: number, b: number): number {
  for (const [name, value] of [['a', a], ['b', b]] as const) {
    if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`logBeta: ${name} must be a positive finite number, got ${value}.`);
  }
  const small = Math.min(a, b);
  const large = Math.max(a, b);
  const sum = small + large;
  if (large < STIRLING_FROM) return logGamma(small) + logGamma(large) - logGamma(sum);
  const remainders = stirlingCorrection(large) - stirlingCorrection(sum);
  if (small < STIRLING_FROM) {
    // ln Γ(large) - ln Γ(sum) = -small·ln(large) - (sum - 1/2)·log1p(small/large) + small + δ(large) - δ(sum)
    return logGamma(small) - small * Math.log(large) - (sum - 0.5) * Math.log1p(small / large) + small + remainders;
  }
  return (
    HALF_LOG_TWO_PI -
    0.5 * Math.log(sum) +
    (small - 0.5) * Math.log(small / sum) +
    (large - 0.5) * Math.log1p(-small / sum) +
    stirlingCorrection(small) +
    remainders
  );
}

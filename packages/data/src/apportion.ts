/**
 * Divides `total` whole units among groups in proportion to `weights` by the largest-remainder
 * (Hamilton) method: group `g` first gets `floor(total * weights[g] / sum(weights))`, then the units
 * left over go one each to the groups with the largest remainders, ties going to the lower index.
 * No group gets more than `caps[g]` (default: no cap); a unit a capped group cannot take goes to the
 * next in line. Every group thus gets the floor or the ceiling of its exact quota unless a cap binds.
 * Exact for integer inputs up to 2^53 in `total * weight`.
 *
 * @throws RangeError when `total` exceeds the sum of the caps, or an input is not a non-negative integer.
 */
export function apportion(total: number, weights: readonly number[], caps?: readonly number[]): number[] {
  const check = (value: number, what: string): void => {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`apportion: ${what} is ${value}, expected a non-negative integer`);
  };
  check(total, 'total');
  weights.forEach((weight, g) => check(weight, `weights[${g}]`));
  const limit = caps ?? weights.map(() => Number.MAX_SAFE_INTEGER);
  limit.forEach((cap, g) => check(cap, `caps[${g}]`));
  const capacity = limit.reduce((sum, cap) => sum + cap, 0);
  if (total > capacity) throw new RangeError(`apportion: cannot place ${total} units within caps summing to ${capacity}`);
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
  const shares = weights.map(() => 0);
  if (total === 0) return shares;
  if (weightSum === 0) throw new RangeError(`apportion: cannot divide ${total} units among groups whose weights are all 0`);
  const remainders = weights.map((weight, g) => {
    const numerator = total * weight;
    shares[g] = Math.min(Math.floor(numerator / weightSum), limit[g] as number);
    return numerator % weightSum;
  });
  let left = total - shares.reduce((sum, share) => sum + share, 0);
  const order = weights.map((_, g) => g).sort((a, b) => (remainders[b] as number) - (remainders[a] as number) || a - b);
  while (left > 0) {
    for (const g of order) {
      if (left === 0) break;
      if ((shares[g] as number) < (limit[g] as number)) {
        shares[g] = (shares[g] as number) + 1;
        left--;
      }
    }
  }
  return shares;
}

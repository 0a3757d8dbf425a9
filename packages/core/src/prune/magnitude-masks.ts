/** Whether a magnitude threshold is one per tensor or one over all pruned tensors together. */
export type PruningScope = 'layer' | 'global';

/**
 * How many of `size` weights a sparsity prunes: `⌊sparsity · size⌋`, computed with a tolerance of
 * 1e-6 so that a fraction that is exact on paper is exact here (`0.29 · 100` is 28.999999999999996
 * in floating point, and prunes 29).
 */
export function prunedCount(sparsity: number, size: number): number {
  return Math.min(size, Math.max(0, Math.floor(sparsity * size + 1e-6)));
}

/**
 * The keep-mask (1: kept, 0: pruned) that prunes exactly `count` of the values: those of smallest
 * magnitude, and among equal magnitudes at the threshold, those of lowest index first.
 */
export function smallestMagnitudeMask(values: Float32Array, count: number): Uint8Array {
  const keep = new Uint8Array(values.length).fill(1);
  if (count <= 0) return keep;
  if (count >= values.length) return keep.fill(0);
  const magnitudes = values.map(Math.abs);
  const threshold = Float32Array.from(magnitudes).sort()[count - 1]!;
  let below = 0;
  for (const magnitude of magnitudes) if (magnitude < threshold) below += 1;
  let ties = count - below;
  magnitudes.forEach((magnitude, i) => {
    if (magnitude < threshold) keep[i] = 0;
    else if (magnitude === threshold && ties > 0) {
      keep[i] = 0;
      ties -= 1;
    }
  });
  return keep;
}

/**
 * Magnitude pruning's keep-masks of several tensors at one sparsity.
 *
 * - `layer`: each tensor loses `⌊sparsity · size⌋` of its weights, those of smallest magnitude.
 * - `global`: the tensors together lose `⌊sparsity · total⌋` weights, those of smallest magnitude
 *   over all of them (one threshold), so a layer of small weights loses more than one of large weights.
 *
 * Ties at the threshold are broken by position (the tensors in order, each row-major), so exactly the
 * target count is pruned.
 *
 * @param tensors - each tensor's values, row-major.
 * @returns one mask per tensor, of its length.
 */
export function magnitudeMasks(tensors: readonly Float32Array[], sparsity: number, scope: PruningScope): Uint8Array[] {
  if (scope === 'layer') return tensors.map((values) => smallestMagnitudeMask(values, prunedCount(sparsity, values.length)));
  const total = tensors.reduce((sum, values) => sum + values.length, 0);
  const all = new Float32Array(total);
  let offset = 0;
  for (const values of tensors) {
    all.set(values, offset);
    offset += values.length;
  }
  const keep = smallestMagnitudeMask(all, prunedCount(sparsity, total));
  offset = 0;
  return tensors.map((values) => {
    const mask = keep.slice(offset, offset + values.length);
    offset += values.length;
    return mask;
  });
}

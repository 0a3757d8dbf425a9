/** Deterministic values in [-1, 1) from a seed (a linear congruential generator), the same on every backend. */
export function seededValues(size: number, seed: number): Float32Array {
  let state = (seed * 2654435761) >>> 0 || 1;
  return Float32Array.from({ length: size }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
}

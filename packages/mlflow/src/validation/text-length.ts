/** Length in Unicode code points, as Python's `len()` counts a string (MLflow's limits are counted this way). */
export function codePointLength(text: string): number {
  let length = 0;
  for (const _codePoint of text) length += 1;
  return length;
}

/** The first `count` code points of `text` (never splits a surrogate pair). */
export function firstCodePoints(text: string, count: number): string {
  let result = '';
  let taken = 0;
  for (const codePoint of text) {
    if (taken === count) break;
    result += codePoint;
    taken += 1;
  }
  return result;
}

/**
 * Orders two param texts naturally: numbers by value, JSON lists and other text by their
 * characters with embedded numbers compared by value (`[30]` before `[300,300]`); a missing value last.
 *
 * @param a - A param's text or `undefined`.
 * @param b - Another.
 */
export function compareParamValues(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  const numberA = Number(a);
  const numberB = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(numberA) && Number.isFinite(numberB)) return numberA - numberB || (a < b ? -1 : 1);
  return a.localeCompare(b, 'en', { numeric: true }) || (a < b ? -1 : 1);
}

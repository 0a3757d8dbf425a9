/**
 * Derives an independent 31-bit seed from a base seed and a label (FNV-1a over `"<seed>:<label>"`),
 * so that each role and each purpose (initialisation, batch order, dropout) gets its own stream while
 * the whole run stays a function of one seed.
 */
export function deriveSeed(seed: number, label: string): number {
  let hash = 0x811c9dc5;
  const text = `${seed}:${label}`;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash & 0x7fffffff;
}

import seedrandom from 'seedrandom';

/**
 * Derives an independent 32-bit seed for one part of a model (a layer's initialiser, a dropout
 * layer's mask generator) from the model's seed and a label naming that part, e.g.
 * `deriveSeed(0, 'hidden1/kernel')`. The same pair always gives the same seed; different labels
 * give unrelated seeds, so layers do not share random streams.
 *
 * @param seed - the model's seed (`ModelBuildContext.seed`).
 * @param label - a name unique within the model.
 * @returns an unsigned 32-bit integer.
 */
export function deriveSeed(seed: number, label: string): number {
  if (!Number.isFinite(seed)) throw new Error(`deriveSeed: seed must be a finite number, got ${seed} (label "${label}").`);
  return seedrandom(`kdlab:${seed}:${label}`).int32() >>> 0;
}

/** How an ensemble's members are combined: averaged logits, averaged probabilities, or weighted logits. */
export type EnsembleCombine =
  | 'mean-logits'
  | 'mean-probs'
  | {
      /** One weight per teacher. */
      weights: number[];
    };

/**
 * Combines the row-major logits of several teachers (each `count * numClasses`) into one teacher signal.
 *
 * - `mean-logits` (default): the average of the logits.
 * - `mean-probs`: the log of the averaged softmax probabilities, so that `softmax` of the result is
 *   the averaged probability (at temperature 1; a distillation temperature then applies to these logits).
 * - `{ weights }`: a weighted average of the logits, weights normalised to sum to 1.
 */
export function combineTeacherLogits(members: readonly Float32Array[], numClasses: number, combine: EnsembleCombine): Float32Array {
  if (members.length === 0) throw new Error('combineTeacherLogits: no teachers.');
  const size = members[0]!.length;
  for (const [i, member] of members.entries()) {
    if (member.length !== size) throw new Error(`combineTeacherLogits: teacher ${i + 1} has ${member.length} logits, teacher 1 has ${size}.`);
  }
  const out = new Float32Array(size);
  if (combine === 'mean-probs') {
    const rows = size / numClasses;
    const probs = new Float64Array(numClasses);
    for (let r = 0; r < rows; r += 1) {
      probs.fill(0);
      for (const member of members) {
        let max = -Infinity;
        for (let c = 0; c < numClasses; c += 1) max = Math.max(max, member[r * numClasses + c]!);
        let sum = 0;
        for (let c = 0; c < numClasses; c += 1) sum += Math.exp(member[r * numClasses + c]! - max);
        for (let c = 0; c < numClasses; c += 1) probs[c]! += Math.exp(member[r * numClasses + c]! - max) / sum / members.length;
      }
      for (let c = 0; c < numClasses; c += 1) out[r * numClasses + c] = Math.log(Math.max(probs[c]!, Number.MIN_VALUE));
    }
    return out;
  }
  const raw = combine === 'mean-logits' ? members.map(() => 1) : combine.weights;
  if (raw.length !== members.length) throw new Error(`combineTeacherLogits: ${raw.length} weights for ${members.length} teachers.`);
  const total = raw.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new Error('combineTeacherLogits: the weights must not all be zero.');
  members.forEach((member, m) => {
    const w = raw[m]! / total;
    for (let i = 0; i < size; i += 1) out[i]! += w * member[i]!;
  });
  return out;
}

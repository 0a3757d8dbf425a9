/**
 * Float64 reference formulas in plain JavaScript, written from the definitions, independent of
 * both TensorFlow.js and PyTorch. Used to tell the right formula from its classic mistakes.
 */

/** `log softmax(row / temperature)` in float64, shifted by the maximum for stability. */
export function logSoftmax(row: readonly number[], temperature = 1): number[] {
  const scaled = row.map((value) => value / temperature);
  const max = Math.max(...scaled);
  const logSum = Math.log(scaled.reduce((sum, value) => sum + Math.exp(value - max), 0));
  return scaled.map((value) => value - max - logSum);
}

/** `KL(p ‖ q) = Σ_k p_k (log p_k − log q_k)` of two rows of log-probabilities. */
export function klFromLogProbs(logP: readonly number[], logQ: readonly number[]): number {
  return logP.reduce((sum, lp, k) => sum + Math.exp(lp) * (lp - (logQ[k] ?? Number.NaN)), 0);
}

/** `T² · (1/B) Σ_b KL(softmax(t_b/T) ‖ softmax(s_b/T))`: Hinton's loss, batchmean. */
export function hintonReference(student: number[][], teacher: number[][], temperature: number): number {
  const total = student.reduce((sum, row, b) => {
    const logP = logSoftmax(teacher[b] ?? [], temperature);
    const logQ = logSoftmax(row, temperature);
    return sum + klFromLogProbs(logP, logQ);
  }, 0);
  return (temperature * temperature * total) / student.length;
}

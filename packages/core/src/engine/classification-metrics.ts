/** Metrics of a classifier on one split, computed from its logits in float64. */
export interface ClassificationMetrics {
  /** Top-1 accuracy in [0, 1]. */
  accuracy: number;
  /** Mean negative log-likelihood of the true class (natural log). */
  nll: number;
  /** Expected calibration error with {@link ECE_BINS} equal-width confidence bins. */
  ece: number;
  /** Top-1 agreement with reference predictions (the teacher's), when given. */
  agreement?: number;
  /**
   * F1 of each class, `2 TP / (2 TP + FP + FN)` with the class as the positive one (a class neither
   * present nor predicted scores 1: nothing to get wrong).
   */
  f1ByClass: number[];
  /** Macro F1: the mean of {@link ClassificationMetrics.f1ByClass}. */
  f1: number;
  /** Predicted class per example. */
  predictions: Int32Array;
}

/** Number of confidence bins of the expected calibration error (Guo et al., 2017 use 15). */
export const ECE_BINS = 15;

/** Index of the largest value in `logits[offset, offset + width)`; the first on ties. */
export function argmaxRow(logits: Float32Array, offset: number, width: number): number {
  let best = 0;
  let bestValue = logits[offset]!;
  for (let c = 1; c < width; c += 1) {
    const value = logits[offset + c]!;
    if (value > bestValue) {
      bestValue = value;
      best = c;
    }
  }
  return best;
}

/**
 * Accuracy, NLL, ECE (and agreement with reference predictions) from row-major logits.
 *
 * @param logits - `count * numClasses` logits.
 * @param labels - `count` integer labels.
 * @param numClasses - width of a row.
 * @param reference - the reference model's predicted classes, for `agreement`.
 */
export function classificationMetrics(
  logits: Float32Array,
  labels: Int32Array,
  numClasses: number,
  reference?: Int32Array,
): ClassificationMetrics {
  const count = labels.length;
  if (logits.length !== count * numClasses) {
    throw new Error(`classificationMetrics: logits have ${logits.length} values, expected ${count} x ${numClasses}.`);
  }
  const predictions = new Int32Array(count);
  const binCount = new Float64Array(ECE_BINS);
  const binConfidence = new Float64Array(ECE_BINS);
  const binCorrect = new Float64Array(ECE_BINS);
  let correct = 0;
  let nll = 0;
  let agree = 0;
  for (let i = 0; i < count; i += 1) {
    const offset = i * numClasses;
    const predicted = argmaxRow(logits, offset, numClasses);
    const max = logits[offset + predicted]!;
    let sum = 0;
    for (let c = 0; c < numClasses; c += 1) sum += Math.exp(logits[offset + c]! - max);
    const logSum = Math.log(sum) + max;
    const label = labels[i]!;
    nll += logSum - logits[offset + label]!;
    const confidence = 1 / sum; // softmax of the arg-max
    const isCorrect = predicted === label ? 1 : 0;
    correct += isCorrect;
    const bin = Math.min(ECE_BINS - 1, Math.floor(confidence * ECE_BINS));
    binCount[bin]! += 1;
    binConfidence[bin]! += confidence;
    binCorrect[bin]! += isCorrect;
    predictions[i] = predicted;
    if (reference && reference[i] === predicted) agree += 1;
  }
  let ece = 0;
  for (let b = 0; b < ECE_BINS; b += 1) {
    if (binCount[b]! > 0) ece += Math.abs(binConfidence[b]! - binCorrect[b]!) / count;
  }
  const f1ByClass = classF1(predictions, labels, numClasses);
  const f1 = f1ByClass.reduce((sum, value) => sum + value, 0) / numClasses;
  const metrics: ClassificationMetrics = { accuracy: correct / count, nll: nll / count, ece, f1ByClass, f1, predictions };
  if (reference) metrics.agreement = agree / count;
  return metrics;
}

/** Each class's F1 from predicted and true labels: `2 TP / (2 TP + FP + FN)`, 1 where the denominator is 0. */
function classF1(predictions: Int32Array, labels: Int32Array, numClasses: number): number[] {
  const truePositives = new Float64Array(numClasses);
  const predicted = new Float64Array(numClasses);
  const actual = new Float64Array(numClasses);
  for (let i = 0; i < labels.length; i += 1) {
    const p = predictions[i]!;
    const y = labels[i]!;
    predicted[p]! += 1;
    actual[y]! += 1;
    if (p === y) truePositives[y]! += 1;
  }
  return Array.from({ length: numClasses }, (_, c) => {
    // 2 TP + FP + FN = predicted + actual
    const denominator = predicted[c]! + actual[c]!;
    return denominator === 0 ? 1 : (2 * truePositives[c]!) / denominator;
  });
}

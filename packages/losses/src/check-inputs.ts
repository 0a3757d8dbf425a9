import type * as tf from '@tensorflow/tfjs-core';

/** Formats a tensor shape for error messages, e.g. `[32,10]`. */
function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * Checks that logits have shape `[batch, numClasses]`.
 *
 * @param lossId - the loss doing the check, named in the error.
 * @param role - which logits they are (`student logits`, `teacher logits`), named in the error.
 * @param logits - the tensor to check.
 * @param numClasses - the number of classes of the run.
 * @throws Error naming the loss, the logits and both shapes when they differ.
 */
export function checkLogits(lossId: string, role: string, logits: tf.Tensor, numClasses: number): void {
  if (logits.rank !== 2 || logits.shape[1] !== numClasses) {
    throw new Error(
      `${lossId} loss: ${role} must have shape [batch,${numClasses}] (numClasses ${numClasses}), got ${formatShape(logits.shape)}.`,
    );
  }
}

/**
 * Checks that the teacher's logits have exactly the student's logits' shape.
 *
 * @param lossId - the loss doing the check, named in the error.
 * @param student - the student's logits.
 * @param teacher - the teacher's logits.
 * @throws Error naming both shapes when they differ.
 */
export function checkSameShape(lossId: string, student: tf.Tensor, teacher: tf.Tensor): void {
  const same = student.rank === teacher.rank && student.shape.every((size, axis) => size === teacher.shape[axis]);
  if (!same) {
    throw new Error(
      `${lossId} loss: teacher logits shape ${formatShape(teacher.shape)} does not match student logits shape ${formatShape(student.shape)}.`,
    );
  }
}

/**
 * Checks that labels are int32 class indices of shape `[batch]`, each in `[0, numClasses)`.
 * Reads the labels' values (a small synchronous read), because an out-of-range label
 * would otherwise silently contribute a zero one-hot row.
 *
 * @param lossId - the loss doing the check, named in the error.
 * @param labels - the labels tensor.
 * @param batchSize - the batch size of the logits.
 * @param numClasses - the number of classes of the run.
 * @throws Error naming the labels' dtype, shape or offending value.
 */
export function checkLabels(lossId: string, labels: tf.Tensor, batchSize: number, numClasses: number): void {
  if (labels.dtype !== 'int32') {
    throw new Error(`${lossId} loss: labels must be int32 class indices, got dtype ${labels.dtype}.`);
  }
  if (labels.rank !== 1 || labels.shape[0] !== batchSize) {
    throw new Error(
      `${lossId} loss: labels must have shape [${batchSize}] to match the logits' batch, got ${formatShape(labels.shape)}.`,
    );
  }
  const values = labels.dataSync();
  for (let index = 0; index < values.length; index += 1) {
    const label = values[index] ?? 0;
    if (label < 0 || label >= numClasses) {
      throw new Error(`${lossId} loss: labels[${index}] is ${label}, outside the classes [0, ${numClasses - 1}].`);
    }
  }
}

/**
 * Checks the run's number of classes given to a loss's `create`.
 *
 * @param lossId - the loss being created, named in the error.
 * @param numClasses - `LossContext.numClasses`.
 * @throws Error when it is not an integer of at least 2.
 */
export function checkNumClasses(lossId: string, numClasses: number): void {
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new Error(`${lossId} loss: context.numClasses must be an integer of at least 2, got ${numClasses}.`);
  }
}

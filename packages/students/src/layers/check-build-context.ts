import type { ModelBuildContext } from '@kdlab/core';

/**
 * Checks the context a model factory is given: a non-empty input shape of positive integers,
 * at least two classes and an integer seed. Throws an error naming the family and the field.
 *
 * @param kind - the factory id, for error messages (`mlp`).
 * @param context - the build context to check.
 */
export function checkBuildContext(kind: string, context: ModelBuildContext): void {
  const { inputShape, numClasses, seed } = context;
  if (inputShape.length === 0 || !inputShape.every((size) => Number.isInteger(size) && size > 0)) {
    throw new Error(`${kind}: context.inputShape must be a non-empty list of positive integers, got [${inputShape.join(', ')}].`);
  }
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new Error(`${kind}: context.numClasses must be an integer of at least 2, got ${numClasses}.`);
  }
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`${kind}: context.seed must be an integer, got ${seed}.`);
  }
}

import { omittedClasses } from '@kdlab/core';
import type { ResolvedExperiment } from '@kdlab/core';
import { FieldError } from '@kdlab/core';

/**
 * Checks the bias shift's classes against the data's number of classes when the data are loaded
 * (before any training): they must exist, and there must be one at least, named or left out by the
 * transfer set. (The transfer set's own classes are checked as it is applied, just before.)
 * @throws FieldError naming the field.
 */
export function checkClassSettings(experiment: ResolvedExperiment, numClasses: number): void {
  const transfer = experiment.data.transfer;
  const shift = experiment.evaluate?.biasShift;
  if (shift === undefined) return;
  for (const c of shift.classes ?? []) {
    if (c >= numClasses) throw new FieldError('evaluate.biasShift.classes', `class ${c} does not exist (the dataset has classes 0 to ${numClasses - 1})`);
  }
  if (shift.classes === undefined && omittedClasses(transfer, numClasses).length === 0) {
    throw new FieldError('evaluate.biasShift.classes', 'the transfer set (data.transfer) leaves no class out, so there is no class to shift: name the classes');
  }
}

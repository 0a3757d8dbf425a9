import type { Model } from '../model/model.js';

/**
 * Copies every variable of `from` into `to` (trainable and not: batch-norm statistics too), for two
 * models of the same architecture: the same variables, in the same order, of the same shapes. The
 * values are copied, not shared: training `to` leaves `from` as it was.
 *
 * @throws Error naming the first variable that differs (count, shape) and both models' kinds.
 */
export function copyWeights(from: Model, to: Model): void {
  const source = from.allVariables();
  const target = to.allVariables();
  const describe = (model: Model, count: number): string => `${model.kind} (${count} variables, ${model.paramCount().toLocaleString('en-US')} trainable parameters)`;
  if (from.kind !== to.kind || source.length !== target.length) {
    throw new Error(`copy needs a student of the teacher's architecture: the teacher is a ${describe(from, source.length)}, the student a ${describe(to, target.length)}`);
  }
  source.forEach((variable, i) => {
    const into = target[i]!;
    const same = variable.shape.length === into.shape.length && variable.shape.every((size, axis) => size === into.shape[axis]);
    if (!same || variable.dtype !== into.dtype) {
      throw new Error(
        `copy needs a student of the teacher's architecture: variable ${i} is [${variable.shape.join(',')}] ${variable.dtype} in the teacher (${variable.name}) but [${into.shape.join(',')}] ${into.dtype} in the student (${into.name})`,
      );
    }
  });
  source.forEach((variable, i) => target[i]!.assign(variable));
}

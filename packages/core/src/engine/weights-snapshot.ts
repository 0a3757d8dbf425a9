import * as tf from '@tensorflow/tfjs-core';
import { loadTensor, saveTensor, type SavedTensor } from './checkpoint/saved-tensor.js';

/** A copy of some variables' values, to restore later (e.g. the best epoch's weights). */
export class WeightsSnapshot {
  readonly #values: tf.Tensor[];

  /** Copies the current values of `variables` (or takes the values given, one per variable). */
  constructor(
    private readonly variables: readonly tf.Variable[],
    values?: tf.Tensor[],
  ) {
    this.#values = values ?? variables.map((variable) => tf.keep(variable.clone()));
  }

  /** A snapshot of `variables` holding saved values (a checkpoint's best weights). */
  static fromSaved(variables: readonly tf.Variable[], saved: readonly SavedTensor[]): WeightsSnapshot {
    if (saved.length !== variables.length) throw new Error(`The checkpoint holds ${saved.length} best-epoch values for a model of ${variables.length} variables.`);
    return new WeightsSnapshot(variables, saved.map((value) => tf.keep(loadTensor(value))));
  }

  /**
   * The copied values, out of the backend ({@link saveTensor}), or as `read` gives them
   * (`readOnAccess`: read when accessed, while this snapshot lives).
   */
  save(read: (tensor: tf.Tensor) => SavedTensor = saveTensor): SavedTensor[] {
    return this.#values.map((value) => read(value));
  }

  /** Writes the copied values back into the variables. */
  restore(): void {
    this.variables.forEach((variable, i) => variable.assign(this.#values[i]!));
  }

  /** Frees the copies. */
  dispose(): void {
    for (const value of this.#values) value.dispose();
  }
}

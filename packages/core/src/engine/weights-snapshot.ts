import * as tf from '@tensorflow/tfjs-core';

/** A copy of some variables' values, to restore later (e.g. the best epoch's weights). */
export class WeightsSnapshot {
  readonly #values: tf.Tensor[];

  /** Copies the current values of `variables`. */
  constructor(private readonly variables: readonly tf.Variable[]) {
    this.#values = variables.map((variable) => tf.keep(variable.clone()));
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

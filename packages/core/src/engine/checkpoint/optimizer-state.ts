import * as tf from '@tensorflow/tfjs-core';
import { loadTensor, saveTensor, type SavedTensor } from './saved-tensor.js';

/**
 * An optimizer's state as a checkpoint holds it: its weights (`getWeights()`: the iteration count,
 * then moments or accumulations), each named by the position of its variable in the list being
 * trained rather than by the variable's name, which depends on how many models the process built
 * before (tfjs makes variable names unique by suffixing them).
 */
export interface SavedOptimizerState {
  /** Each weight, in the optimizer's order. */
  weights: SavedOptimizerWeight[];
}

/** One weight of an optimizer, as {@link SavedOptimizerState} holds it. */
export interface SavedOptimizerWeight {
  /** The position of its variable in the trained list; absent for a weight of no variable (the iteration count). */
  slot?: number;
  /** Its name when it was saved. */
  name: string;
  /** What follows the variable's name in its name (`m`, `v`, `momentum`); absent with `slot`. */
  suffix?: string;
  /** Its values. */
  value: SavedTensor;
}

/**
 * Saves an optimizer's weights, naming each by its variable's position in `variables`.
 * @param variables - What the optimizer trains, in the order given to it.
 */
export async function saveOptimizerState(optimizer: tf.Optimizer, variables: readonly tf.Variable[]): Promise<SavedOptimizerState> {
  const captured = await captureOptimizerState(optimizer, variables, saveTensor);
  captured.release();
  return captured.state;
}

/** An optimizer's state as {@link captureOptimizerState} took it, and how to free what it holds. */
export interface CapturedOptimizerState {
  /** The state, its values as `read` gave them. */
  state: SavedOptimizerState;
  /** Frees the tensors the optimizer handed out for it (after the last read of an `on-access` value). */
  release(): void;
}

/**
 * Takes an optimizer's weights, naming each by its variable's position in `variables`, their values
 * as `read` gives them ({@link saveTensor}: copied now; `readOnAccess`: read when accessed, until
 * `release()`).
 * @param variables - What the optimizer trains, in the order given to it.
 */
export async function captureOptimizerState(optimizer: tf.Optimizer, variables: readonly tf.Variable[], read: (tensor: tf.Tensor) => SavedTensor): Promise<CapturedOptimizerState> {
  const slots = new Map(variables.map((variable, i) => [variable.name, i]));
  const weights = await optimizer.getWeights();
  // getWeights() hands out the optimizer's own variables, and new tensors for the rest (the
  // iteration count; moments kept outside tensors): those are ours to free.
  const release = (): void => tf.dispose(weights.map(({ tensor }) => tensor).filter((tensor) => !(tensor instanceof tf.Variable)));
  try {
    const state = {
      weights: weights.map(({ name, tensor }) => {
        const cut = name.lastIndexOf('/');
        const slot = cut > 0 ? slots.get(name.slice(0, cut)) : undefined;
        const value = read(tensor);
        return slot === undefined ? { name, value } : { slot, name, suffix: name.slice(cut + 1), value };
      }),
    };
    return { state, release };
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * Restores saved weights into a new optimizer of the same kind, renaming each for the variable now
 * at its position in `variables`.
 * @throws Error when a saved weight's position is past the variables' count.
 */
export async function restoreOptimizerState(optimizer: tf.Optimizer, saved: SavedOptimizerState, variables: readonly tf.Variable[]): Promise<void> {
  const named = saved.weights.map(({ slot, name, suffix, value }) => {
    if (slot === undefined) return { name, tensor: loadTensor(value) };
    const variable = variables[slot];
    if (variable === undefined) throw new Error(`The checkpoint's optimizer state has a weight for variable ${slot} ("${name}"), but only ${variables.length} variables train.`);
    return { name: `${variable.name}/${suffix}`, tensor: loadTensor(value) };
  });
  try {
    await optimizer.setWeights(named);
  } finally {
    tf.dispose(named.map(({ tensor }) => tensor));
  }
}

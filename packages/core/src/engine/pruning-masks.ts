import * as tf from '@tensorflow/tfjs-core';
import type { PruningInstance, PruningProgress } from '../prune/define-pruning.js';
import { loadTensor, saveTensor } from './checkpoint/saved-tensor.js';
import type { SavedMask } from './checkpoint/train-checkpoint.js';

/** How many weights the masks in force prune, of how many they cover. */
export interface PruningCounts {
  /** Weights pruned: the zeros of the masks. */
  pruned: number;
  /** Weights under a mask, pruned or not. */
  masked: number;
}

/**
 * The pruning masks in force during one training, across its stages: at most one per variable, set
 * by the stages' prunings (a later stage's mask for a variable replaces the earlier one) and applied
 * to the variables after every optimizer step, so that a pruned weight stays exactly 0.
 */
export class PruningMasks {
  readonly #masks = new Map<tf.Variable, { mask: tf.Tensor; zeros: number }>();

  /** Whether no mask is in force (the training has not pruned). */
  get isEmpty(): boolean {
    return this.#masks.size === 0;
  }

  /** The variables that have a mask, in the order their masks were first set. */
  variables(): tf.Variable[] {
    return [...this.#masks.keys()];
  }

  /** The pruned weights (zeros of the masks) and the masked weights in all. */
  counts(): PruningCounts {
    let pruned = 0;
    let masked = 0;
    for (const [variable, { zeros }] of this.#masks) {
      pruned += zeros;
      masked += variable.size;
    }
    return { pruned, masked };
  }

  /**
   * Asks a pruning for masks at this point of its stage. When it gives some, they replace the masks of
   * its variables and are applied at once.
   * @returns whether the number of pruned weights changed.
   * @throws Error when the pruning's masks do not fit its variables (count, shape, values other than 0 and 1).
   */
  update(pruning: PruningInstance, progress: PruningProgress): boolean {
    const masks = tf.tidy(() => pruning.update(progress));
    if (masks === undefined) return false;
    const before = this.counts().pruned;
    try {
      checkMasks(pruning.variables, masks);
    } catch (error) {
      tf.dispose(masks);
      throw error;
    }
    pruning.variables.forEach((variable, i) => this.#set(variable, masks[i]!));
    this.apply();
    return this.counts().pruned !== before;
  }

  /** Multiplies every masked variable by its mask. */
  apply(): void {
    if (this.#masks.size === 0) return;
    tf.tidy(() => {
      for (const [variable, { mask }] of this.#masks) variable.assign(tf.mul(variable, mask));
    });
  }

  /**
   * The masks, each named by its variable's position in `all` (the model's variables).
   * @throws Error when a masked variable is not among them.
   */
  save(all: readonly tf.Variable[]): SavedMask[] {
    return [...this.#masks].map(([variable, { mask }]) => {
      const index = all.indexOf(variable);
      if (index < 0) throw new Error(`A pruning mask is set on variable "${variable.name}", which is not one of the model's.`);
      return { variable: index, mask: saveTensor(mask) };
    });
  }

  /**
   * Puts saved masks back in force (replacing any), on the variables at their positions in `all`.
   * The variables are not multiplied: a checkpoint's weights already are.
   * @throws Error when a position is past `all` or a mask's shape is not its variable's.
   */
  restore(all: readonly tf.Variable[], saved: readonly SavedMask[]): void {
    for (const { variable: index, mask } of saved) {
      const variable = all[index];
      if (variable === undefined) throw new Error(`The checkpoint holds a pruning mask for variable ${index}, but the model has ${all.length} variables.`);
      if (mask.shape.join(',') !== variable.shape.join(',')) {
        throw new Error(`The checkpoint's pruning mask for variable ${index} is [${mask.shape.join(', ')}], but variable "${variable.name}" is [${variable.shape.join(', ')}].`);
      }
      this.#set(variable, loadTensor(mask));
    }
  }

  /** Frees every mask. */
  dispose(): void {
    for (const { mask } of this.#masks.values()) mask.dispose();
    this.#masks.clear();
  }

  #set(variable: tf.Variable, mask: tf.Tensor): void {
    this.#masks.get(variable)?.mask.dispose();
    let zeros = 0;
    for (const value of mask.dataSync()) if (value === 0) zeros += 1;
    this.#masks.set(variable, { mask, zeros });
  }
}

function checkMasks(variables: readonly tf.Variable[], masks: readonly tf.Tensor[]): void {
  if (masks.length !== variables.length) throw new Error(`The pruning gave ${masks.length} masks for its ${variables.length} variables.`);
  masks.forEach((mask, i) => {
    const variable = variables[i]!;
    if (mask.shape.join(',') !== variable.shape.join(',')) {
      throw new Error(`The pruning's mask ${i} is [${mask.shape.join(', ')}], but its variable "${variable.name}" is [${variable.shape.join(', ')}].`);
    }
    if (mask.dtype !== 'float32' || mask.dataSync().some((value) => value !== 0 && value !== 1)) {
      throw new Error(`The pruning's mask ${i} (of "${variable.name}") must be a float32 tensor of 0s and 1s.`);
    }
  });
}

import type { LossInstance, LossState } from '../../loss/define-loss.js';
import type { ModelRandomState } from '../../model/model.js';
import type { PruningInstance, PruningState } from '../../prune/define-pruning.js';
import type { MetricPoint } from '../../tracking/tracker.js';
import type { EpochSummary } from '../epoch-summary.js';
import type { SavedOptimizerState } from './optimizer-state.js';
import type { SavedTensor } from './saved-tensor.js';

/** Bumped whenever what a checkpoint holds, or how training continues from one, changes: older checkpoints are not resumed. */
export const TRAIN_CHECKPOINT_VERSION = 1;

/**
 * Where a training stands at the end of an epoch: everything needed to continue it so that it
 * computes exactly what an uninterrupted training would (on the same backend). The batch order, the
 * augmentation and the learning-rate schedule are functions of the seed, the epoch and the step, so
 * the epoch count fixes them; the rest is held here.
 */
export interface TrainCheckpoint {
  /** {@link TRAIN_CHECKPOINT_VERSION} when it was written. */
  version: number;
  /** Epochs completed, counted across stages. */
  epoch: number;
  /** The stage (0-based) the last completed epoch belongs to. */
  stage: number;
  /** Each completed epoch's summary. */
  epochs: EpochSummary[];
  /** Every per-epoch metric point of the completed epochs, as logged (a resumed run logs those its run lacks). */
  points: MetricPoint[];
  /** Training time so far, in seconds. */
  seconds: number;
  /** The best-validation epoch so far, and its weights. */
  best: SavedBestEpoch;
  /** The values of `model.allVariables()`, in order. */
  weights: SavedTensor[];
  /** The stage's optimizer (its moments, its iteration count). */
  optimizer: SavedOptimizerState;
  /** Each of the stage's loss terms, in order. */
  losses: SavedLossTerm[];
  /** The model's own random generators (dropout masks), when it has some. */
  randomState?: ModelRandomState;
  /**
   * The pruning masks in force and the current stage's pruning state, when the training has pruned
   * (absent otherwise: a checkpoint of a training without pruning is as it was).
   */
  pruning?: SavedPruning;
}

/** A pruned training's masks and its current stage's pruning state, as a checkpoint holds them. */
export interface SavedPruning {
  /** Every mask in force (set by this stage's pruning or an earlier one's). */
  masks: SavedMask[];
  /** The current stage's pruning's own state ({@link PruningInstance.saveState}), when it has one. */
  state?: PruningState;
}

/** One pruning mask, as a checkpoint holds it. */
export interface SavedMask {
  /** The position of its variable in `model.allVariables()`. */
  variable: number;
  /** The mask: 0 where a weight is pruned, 1 elsewhere, of the variable's shape. */
  mask: SavedTensor;
}

/** The best-validation epoch of a training so far, as a checkpoint holds it. */
export interface SavedBestEpoch {
  /** The epoch (1-based, across stages). */
  epoch: number;
  /** Its validation accuracy. */
  accuracy: number;
  /** The values of `model.allVariables()` after it. */
  weights: SavedTensor[];
}

/** A loss term of the current stage, as a checkpoint holds it. */
export interface SavedLossTerm {
  /** Its own variables' values (a regressor), in order. */
  variables: SavedTensor[];
  /** Its other state, for a loss that has some ({@link LossInstance.saveState}). */
  state?: LossState;
}

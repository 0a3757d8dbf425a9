import type { LossState } from '../../loss/define-loss.js';
import type { ModelRandomState } from '../../model/model.js';
import type { MetricPoint } from '../../tracking/tracker.js';
import type { EpochSummary } from '../train-model.js';
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
  /** The best-validation epoch so far, and its weights (of `model.allVariables()`). */
  best: { epoch: number; accuracy: number; weights: SavedTensor[] };
  /** The values of `model.allVariables()`, in order. */
  weights: SavedTensor[];
  /** The stage's optimizer (its moments, its iteration count). */
  optimizer: SavedOptimizerState;
  /** Each of the stage's loss terms: its own variables' values, and its other state when it has some. */
  losses: { variables: SavedTensor[]; state?: LossState }[];
  /** The model's own random generators (dropout masks), when it has some. */
  randomState?: ModelRandomState;
}

import type { ServiceIdentifier } from 'inversify';
import type { DatasetDefinition } from '../data/define-dataset.js';
import type { LossDefinition } from '../loss/define-loss.js';
import type { ModelDefinition } from '../model/define-model.js';
import type { PruningDefinition } from '../prune/define-pruning.js';
import type { Tracker } from '../tracking/tracker.js';

/**
 * Typed injection tokens of kdlab's container. Plugins are bound as constant values under the
 * definition tokens (several per token); kdlab builds id-keyed registries from them.
 */
export const TOKENS = {
  /** Every loss plugin definition (multi-bound). */
  LossDefinition: Symbol.for('kdlab.LossDefinition') as ServiceIdentifier<LossDefinition>,
  /** Every model plugin definition (multi-bound). */
  ModelDefinition: Symbol.for('kdlab.ModelDefinition') as ServiceIdentifier<ModelDefinition>,
  /** Every dataset plugin definition (multi-bound). */
  DatasetDefinition: Symbol.for('kdlab.DatasetDefinition') as ServiceIdentifier<DatasetDefinition>,
  /** Every pruning plugin definition (multi-bound). */
  PruningDefinition: Symbol.for('kdlab.PruningDefinition') as ServiceIdentifier<PruningDefinition>,
  /** The tracker of the current invocation (bound in the run's child container). */
  Tracker: Symbol.for('kdlab.Tracker') as ServiceIdentifier<Tracker>,
} as const;

import { ContainerModule } from 'inversify';
import type { DatasetDefinition } from '../data/define-dataset.js';
import type { LossDefinition } from '../loss/define-loss.js';
import type { ModelDefinition } from '../model/define-model.js';
import type { PruningDefinition } from '../prune/define-pruning.js';
import { TOKENS } from './tokens.js';

/** The plugin definitions one module contributes. */
export interface PluginSet {
  /** Loss plugins. */
  losses?: readonly LossDefinition<string, never>[] | readonly LossDefinition[];
  /** Model plugins. */
  models?: readonly ModelDefinition<string, never>[] | readonly ModelDefinition[];
  /** Dataset plugins. */
  datasets?: readonly DatasetDefinition[];
  /** Pruning plugins. */
  prunings?: readonly PruningDefinition<string, never>[] | readonly PruningDefinition[];
}

/**
 * Wraps plugin definitions in an inversify `ContainerModule` that binds each as a constant value
 * under its definition token. This is how kdlab's own packages and third parties register plugins:
 * `container.load(pluginModule({ losses: [myLoss] }))`.
 */
export function pluginModule(plugins: PluginSet): ContainerModule {
  return new ContainerModule((options) => {
    for (const loss of plugins.losses ?? []) options.bind(TOKENS.LossDefinition).toConstantValue(loss as LossDefinition);
    for (const model of plugins.models ?? []) options.bind(TOKENS.ModelDefinition).toConstantValue(model as ModelDefinition);
    for (const dataset of plugins.datasets ?? []) options.bind(TOKENS.DatasetDefinition).toConstantValue(dataset);
    for (const pruning of plugins.prunings ?? []) options.bind(TOKENS.PruningDefinition).toConstantValue(pruning as PruningDefinition);
  });
}

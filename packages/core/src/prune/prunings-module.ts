import type { ContainerModule } from 'inversify';
import { pluginModule } from '../container/plugin-module.js';
import type { PruningDefinition } from './define-pruning.js';
import { magnitudePruning } from './magnitude-pruning.js';

/** kdlab's own pruning definitions: `magnitude`. */
export const builtinPrunings: readonly PruningDefinition[] = [magnitudePruning as unknown as PruningDefinition];

/**
 * The container module binding kdlab's own prunings ({@link builtinPrunings}); the CLI loads it by
 * default, as it does the datasets. A third party adds its own with `pluginModule({ prunings: [...] })`.
 */
export const pruningsModule: ContainerModule = pluginModule({ prunings: builtinPrunings });

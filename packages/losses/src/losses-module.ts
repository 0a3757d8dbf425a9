import { pluginModule } from '@kdlab/core';
import { ceLoss } from './ce.js';
import { hintonLoss } from './hinton.js';

/** Every loss definition of this package, in the order they are registered. */
export const allLosses = [ceLoss, hintonLoss] as const;

/**
 * The inversify module that binds every loss of `@kdlab/losses` as a plugin definition:
 * `createRootContainer(lossesModule)`, then `pluginRegistries(container).losses.get('hinton')`.
 */
export const lossesModule = pluginModule({ losses: allLosses });

/** The name under which the `kdlab` CLI finds this package's plugins (`--plugin @kdlab/losses`). */
export const kdlabModule = lossesModule;

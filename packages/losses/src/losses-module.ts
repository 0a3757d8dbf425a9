import { pluginModule } from '@kdlab/core';
import { atLoss } from './at.js';
import { ceLoss } from './ce.js';
import { cosineLoss } from './cosine.js';
import { crdLoss } from './crd.js';
import { distLoss } from './dist.js';
import { dkdLoss } from './dkd.js';
import { hintLoss } from './hint.js';
import { hintonLoss } from './hinton.js';
import { nstLoss } from './nst.js';
import { pktLoss } from './pkt.js';
import { rkdLoss } from './rkd.js';
import { spLoss } from './sp.js';

/** Every loss definition of this package, in the order they are registered: logit losses, then feature losses. */
export const allLosses = [ceLoss, hintonLoss, dkdLoss, distLoss, hintLoss, atLoss, spLoss, rkdLoss, pktLoss, nstLoss, crdLoss, cosineLoss] as const;

/**
 * The inversify module that binds every loss of `@kdlab/losses` as a plugin definition:
 * `createRootContainer(lossesModule)`, then `pluginRegistries(container).losses.get('hinton')`.
 */
export const lossesModule = pluginModule({ losses: allLosses });

/** The name under which the `kdlab` CLI finds this package's plugins (`--plugin @kdlab/losses`). */
export const kdlabModule = lossesModule;

import type { ContainerModule } from 'inversify';
import { pluginModule } from '@kdlab/core';
import { cifar100Dataset, cifar10Dataset } from './cifar-datasets.js';
import type { DatasetDefinition } from '@kdlab/core';
import { fashionMnistDataset, mnistDataset } from './idx-datasets.js';
import { mnist10kDataset } from './mnist-10k.js';
import { spamAssassinDataset } from './text/spam-assassin.js';

/** kdlab's own dataset definitions: `mnist-10k`, `mnist`, `fashion-mnist`, `cifar10`, `cifar100`, `spam-assassin`. */
export const builtinDatasets: readonly DatasetDefinition[] = [mnist10kDataset, mnistDataset, fashionMnistDataset, cifar10Dataset, cifar100Dataset, spamAssassinDataset];

/** The container module binding every one of kdlab's own datasets ({@link builtinDatasets}). */
export const datasetsModule: ContainerModule = pluginModule({ datasets: builtinDatasets });

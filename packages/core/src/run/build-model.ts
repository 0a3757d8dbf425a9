import type { PluginRegistries } from '../container/create-container.js';
import type { Dataset } from '../data/dataset.js';
import type { ResolvedModelSpec } from '../experiment/resolve-experiment.js';
import type { Model } from '../model/model.js';

/** Builds a model from its resolved spec with the model plugin of that kind. */
export function buildModel(registries: PluginRegistries, spec: ResolvedModelSpec, data: Dataset, seed: number): Model {
  const { kind, ...options } = spec;
  return registries.models.get(kind).build(options, { inputShape: data.inputShape, numClasses: data.numClasses, seed });
}

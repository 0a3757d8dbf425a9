import type { PluginRegistries } from '@kdlab/core';
import type { Dataset } from '@kdlab/core';
import type { ResolvedModelSpec } from '@kdlab/core';
import type { Model } from '@kdlab/core';

/** Builds a model from its resolved spec with the model plugin of that kind. */
export function buildModel(registries: PluginRegistries, spec: ResolvedModelSpec, data: Dataset, seed: number): Model {
  const { kind, ...options } = spec;
  return registries.models.get(kind).build(options, { inputShape: data.inputShape, numClasses: data.numClasses, seed });
}

import type { PluginRegistries } from '@kdlab/core';
import { FieldError } from '@kdlab/core';
import type { ResolvedPruneSpec } from '@kdlab/core';
import type { Model } from '@kdlab/core';
import { variableBaseName, type PruningInstance } from '@kdlab/core';

/**
 * Creates a stage's pruning with its plugin, against the model's trainable variables. An error is a
 * {@link FieldError} at `path` (`stages.1.prune`), or below it when the plugin names an option
 * (`stages.1.prune.endEpoch`).
 *
 * @param epochs - the stage's epochs.
 * @param path - the experiment path of the stage's `prune`.
 */
export function createPruning(registries: PluginRegistries, model: Model, spec: ResolvedPruneSpec, epochs: number, seed: number, path: string): PruningInstance {
  const { kind, ...options } = spec;
  const definition = registries.prunings.get(kind);
  try {
    return definition.create(options, {
      variables: model.trainableVariables().map((variable) => ({ name: variableBaseName(variable.name), variable })),
      modelKind: model.kind,
      epochs,
      seed,
    });
  } catch (error) {
    if (error instanceof FieldError) throw new FieldError(`${path}.${error.field}`, `${kind} pruning: ${error.detail}`, { cause: error });
    const message = (error as Error).message;
    throw new FieldError(path, message.startsWith(kind) ? message : `${kind} pruning: ${message}`, { cause: error });
  }
}

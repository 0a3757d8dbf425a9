import type { ResolvedExperiment } from '@kdlab/core';

/** The plugin ids an experiment needs, by registry: what a worker must have loaded to run it. */
export interface PluginReferences {
  /** Loss plugin ids. */
  losses: string[];
  /** Model plugin ids. */
  models: string[];
  /** Dataset plugin ids. */
  datasets: string[];
  /** Pruning plugin ids. */
  prunings: string[];
}

/** Every plugin id a resolved experiment refers to (teacher and ensemble members, student, losses, stages, prunings, the dataset), each once. */
export function pluginReferences(experiment: ResolvedExperiment): PluginReferences {
  const losses = new Set<string>();
  const models = new Set<string>();
  const prunings = new Set<string>();
  const members = 'ensemble' in experiment.teacher ? experiment.teacher.ensemble : [experiment.teacher];
  for (const member of members) models.add(member.model.kind);
  models.add(experiment.student.model.kind);
  for (const term of experiment.losses ?? []) losses.add(term.kind);
  for (const stage of experiment.stages ?? []) {
    for (const term of stage.losses) losses.add(term.kind);
    if (stage.prune) prunings.add(stage.prune.kind);
  }
  return { losses: [...losses], models: [...models], datasets: [experiment.data.dataset], prunings: [...prunings] };
}

/** A registry of plugin ids, as core's `PluginRegistry` answers. */
export interface PluginIdSource {
  /** Whether the id is registered. */
  has(id: string): boolean;
}

/**
 * The references a worker cannot serve, as one message per missing plugin (empty when it has them all).
 *
 * @param references - what the job needs.
 * @param registries - what the worker loaded.
 */
export function missingPlugins(references: PluginReferences, registries: Record<keyof PluginReferences, PluginIdSource>): string[] {
  const singular: Record<keyof PluginReferences, string> = { losses: 'loss', models: 'model', datasets: 'dataset', prunings: 'pruning' };
  const missing: string[] = [];
  for (const registry of Object.keys(singular) as (keyof PluginReferences)[]) {
    for (const id of references[registry]) if (!registries[registry].has(id)) missing.push(`${singular[registry]} "${id}"`);
  }
  return missing;
}

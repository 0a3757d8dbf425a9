import 'reflect-metadata';
import { Container, type ContainerModule } from 'inversify';
import type { DatasetDefinition } from '../data/define-dataset.js';
import type { LossDefinition } from '../loss/define-loss.js';
import type { ModelDefinition } from '../model/define-model.js';
import type { PruningDefinition } from '../prune/define-pruning.js';
import { PluginRegistry } from './plugin-registry.js';
import { TOKENS } from './tokens.js';

/**
 * Creates kdlab's root container and loads the given modules into it
 * (kdlab's own `lossesModule`, `studentsModule`, `datasetsModule`, `pruningsModule`, and any third party's).
 */
export function createRootContainer(...modules: ContainerModule[]): Container {
  const container = new Container({ defaultScope: 'Singleton' });
  container.load(...modules);
  return container;
}

/** Creates the child container of one run: it sees every plugin of its parent and holds the run's own services. */
export function createRunContainer(parent: Container): Container {
  return new Container({ parent, defaultScope: 'Singleton' });
}

/** The id-keyed plugin registries of a container (including its ancestors' plugins). */
export interface PluginRegistries {
  /** Loss plugins by id. */
  losses: PluginRegistry<LossDefinition>;
  /** Model plugins by id. */
  models: PluginRegistry<ModelDefinition>;
  /** Dataset plugins by id. */
  datasets: PluginRegistry<DatasetDefinition>;
  /** Pruning plugins by id. */
  prunings: PluginRegistry<PruningDefinition>;
}

function bound<T>(container: Container, token: symbol | import('inversify').ServiceIdentifier<T>): T[] {
  const id = token as import('inversify').ServiceIdentifier<T>;
  return container.isBound(id) ? container.getAll(id, { chained: true }) : [];
}

/** Builds the registries of every plugin bound in the container and its ancestors. */
export function pluginRegistries(container: Container): PluginRegistries {
  return {
    losses: new PluginRegistry('loss', bound(container, TOKENS.LossDefinition)),
    models: new PluginRegistry('model', bound(container, TOKENS.ModelDefinition)),
    datasets: new PluginRegistry('dataset', bound(container, TOKENS.DatasetDefinition)),
    prunings: new PluginRegistry('pruning', bound(container, TOKENS.PruningDefinition)),
  };
}

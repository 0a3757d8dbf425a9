import type { PluginRegistries } from '../container/create-container.js';
import type { Dataset } from '../data/dataset.js';
import type { ResolvedExperiment } from '../experiment/resolve-experiment.js';
import { configHash } from './config-hash.js';
import { teacherData } from './teacher-data.js';

/** The key of an experiment's whole training data (dataset, split, split seed, training limit): experiments with one key share one load. */
export function experimentDataKey(experiment: ResolvedExperiment): string {
  return configHash({ data: teacherData(experiment.data), seed: experiment.seed });
}

/** Loads an experiment's whole training data (what its teacher trains on) with its dataset plugin. */
export function loadExperimentData(registries: PluginRegistries, experiment: ResolvedExperiment): Promise<Dataset> {
  const { data, seed } = experiment;
  return registries.datasets.get(data.dataset).load({ split: data.split, seed, ...(data.limitTrain !== undefined ? { limitTrain: data.limitTrain } : {}) });
}

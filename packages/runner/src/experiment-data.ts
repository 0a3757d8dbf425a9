import type { PluginRegistries } from '@kdlab/core';
import type { Dataset } from '@kdlab/core';
import type { ResolvedExperiment } from '@kdlab/core';
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

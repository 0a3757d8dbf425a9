import type { PluginRegistries } from '@kdlab/core';
import type { Dataset } from '@kdlab/core';
import type { ResolvedExperiment, ResolvedModelSpec } from '@kdlab/core';
import type { Model } from '@kdlab/core';
import { buildModel } from '../build-model.js';
import { configHash } from '../config-hash.js';
import { experimentDataKey, loadExperimentData } from '../experiment-data.js';

/** A model built by a plan check, or the reason it could not be. */
export type ProbedModel = { model: Model } | { error: Error };

/**
 * What a plan check builds once and asks many trials about: each distinct data request loaded once
 * (every file read and checked, the split made), each distinct architecture built once for its taps
 * and their shapes. The models are built with an arbitrary seed: only their structure is asked about.
 * Free with {@link PlanProbe.dispose}.
 */
export class PlanProbe {
  readonly #registries: PluginRegistries;
  readonly #data: Map<string, Promise<Dataset>>;
  readonly #models = new Map<string, ProbedModel>();

  /**
   * @param registries - the plugins the trials name.
   * @param data - where the data loaded are kept, by {@link experimentDataKey}: pass a map to use
   *   them after the check (a runner in this process then loads nothing again).
   */
  constructor(registries: PluginRegistries, data = new Map<string, Promise<Dataset>>()) {
    this.#registries = registries;
    this.#data = data;
  }

  /**
   * The whole training data of an experiment (what its teacher trains on), loaded once per dataset,
   * split, split seed and training limit. Rejects with the loader's error (a missing or truncated file).
   */
  data(experiment: ResolvedExperiment): Promise<Dataset> {
    const key = experimentDataKey(experiment);
    let loaded = this.#data.get(key);
    if (!loaded) {
      loaded = loadExperimentData(this.#registries, experiment);
      this.#data.set(key, loaded);
    }
    return loaded;
  }

  /** The model of a spec for the given data's input shape and classes, built once (or the error building it). */
  model(spec: ResolvedModelSpec, data: Dataset): ProbedModel {
    const key = configHash({ spec, inputShape: data.inputShape, numClasses: data.numClasses });
    let probed = this.#models.get(key);
    if (!probed) {
      try {
        probed = { model: buildModel(this.#registries, spec, data, 0) };
      } catch (error) {
        probed = { error: error as Error };
      }
      this.#models.set(key, probed);
    }
    return probed;
  }

  /**
   * A fresh model of a spec, for a check that changes its weights (initialisation from a teacher);
   * freed with the probe.
   */
  freshModel(spec: ResolvedModelSpec, data: Dataset): Model {
    const model = buildModel(this.#registries, spec, data, 0);
    this.#models.set(`fresh-${this.#models.size}`, { model });
    return model;
  }

  /** Frees every model built (the data stay in the map given to the constructor, if any). */
  dispose(): void {
    for (const probed of this.#models.values()) if ('model' in probed) probed.model.dispose();
    this.#models.clear();
  }
}

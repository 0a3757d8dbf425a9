import type { Dataset, DatasetRequest } from './dataset.js';

/**
 * A dataset plugin: an id used in experiment files (`data: { dataset: 'mnist-10k' }`) and a loader.
 */
export interface DatasetDefinition<Id extends string = string> {
  /** The id used in experiment files. */
  readonly id: Id;
  /** One line saying what the data is and where it is found. */
  readonly description: string;
  /** Loads the data and splits it as requested. Errors name the file that is missing or malformed. */
  load(request: DatasetRequest): Promise<Dataset>;
}

/** Declares a dataset plugin; the identity function, there for type inference. */
export function defineDataset<Id extends string>(definition: DatasetDefinition<Id>): DatasetDefinition<Id> {
  return definition;
}

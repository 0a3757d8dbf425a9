import type { Experiment, ExperimentsPage, MlflowClient } from '../../src/index.js';
import { rejectionOf } from './settle.js';

/** What the experiment-lifecycle scenario observed. */
export interface ExperimentLifecycleResult {
  readonly missing: unknown;
  readonly experimentId: string;
  readonly duplicate: unknown;
  readonly found: Experiment;
  readonly searched: ExperimentsPage;
}

/**
 * The recorded experiment-lifecycle scenario: get-by-name of a missing experiment, create with tags, create the same
 * name again, get-by-name, search by name.
 */
export async function driveExperimentLifecycle(client: MlflowClient, name: string): Promise<ExperimentLifecycleResult> {
  const missing = await rejectionOf(client.experiments.getByName(name));
  const experimentId = await client.experiments.create({ name, tags: { team: 'ts', purpose: 'fixtures' } });
  const duplicate = await rejectionOf(client.experiments.create({ name, tags: { team: 'ts' } }));
  const found = await client.experiments.getByName(name);
  const searched = await client.experiments.search({ filter: `name = '${name}'`, maxResults: 10 });
  return { missing, experimentId, duplicate, found, searched };
}

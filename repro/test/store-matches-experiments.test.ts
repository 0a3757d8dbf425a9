// The committed study store holds hours of training. A sweep trial counts as done when a FINISHED
// distilled run carries its config hash (the hash of its resolved experiment, every default filled
// in), so a change to kdlab that changes those hashes (a new loss option with a default, say) would
// make `npm run repro` train every study again. This test fails first.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { configHash, loadExperimentFile } from '@kdlab/runner';
import { createRootContainer, describeTrial, expandSweep, pluginRegistries, resolveExperiment } from '@kdlab/core';
import { datasetsModule } from '@kdlab/data';
import { readMlrunsStore, type MlrunsRunRecord } from '@kdlab/tracking';
import { lossesModule } from '@kdlab/losses';
import { studentsModule } from '@kdlab/students';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** The experiments whose every trial is in the committed store. */
const COMPLETE = ['hinton-mnist-full.ts', 'temperature-by-width.ts', 'omitted-three.ts', 'less-data.ts', 'less-data-fashion.ts', 'ensemble-to-one.ts', 'ensemble-to-one-single.ts', 'fitnets-mnist.ts', 'fitnets-depth.ts', 'distilbert-spam.ts', 'distilbert-spam-random.ts'];

let runs: MlrunsRunRecord[];
beforeAll(async () => {
  runs = (await readMlrunsStore(join(root, 'repro/store/mlruns'))).runs;
}, 120_000);

describe('the committed study store', () => {
  it.each(COMPLETE)('has a finished distilled run for every trial of experiments/repro/%s, found by its config hash', async (file) => {
    const registries = pluginRegistries(createRootContainer(datasetsModule, lossesModule, studentsModule));
    const loaded = await loadExperimentFile(join(root, 'experiments/repro', file));
    const trials = expandSweep(loaded.experiment as Record<string, unknown>);
    const finished = new Set(runs.filter((run) => run.tags['kdlab.role'] === 'distilled' && run.info.status === 'FINISHED').map((run) => run.tags['kdlab.config_hash']));
    const missing = trials.filter((trial) => !finished.has(configHash(resolveExperiment(trial.experiment, registries, file)))).map((trial) => describeTrial(trial));
    expect(trials.length).toBeGreaterThan(1);
    expect(missing).toEqual([]);
  });
});

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { PluginRegistries } from '@kdlab/core';
import type { Dataset } from '@kdlab/core';
import { describeTrial } from '@kdlab/core';
import type { ExperimentIssue } from '@kdlab/core';
import type { ResolvedTrial } from '../run-sweep.js';
import { checkTrial } from './check-trial.js';
import { PlanProbe } from './plan-probe.js';

/**
 * Checks a whole plan before anything trains: every trial as `checkTrial` does (data files,
 * models, taps and shapes, losses, stages, initialisation), each data request loaded and each
 * architecture built once across trials. Runs on the pure-JavaScript backend (shapes do not depend on
 * the backend), and puts the backend that was active back. Returns every problem, each naming its
 * field; in a sweep, prefixed by the first trial it was found in (`[losses.1.temperature=4, seed=0]`),
 * and said once however many trials share it.
 *
 * @param trials - The validated trials.
 * @param registries - The plugins they name.
 * @param isSweep - Whether to prefix problems with their trial.
 * @param loadedData - Where to keep the data it loads, by `experimentDataKey`, for a runner in this process.
 */
export async function checkPlan(
  trials: readonly ResolvedTrial[],
  registries: PluginRegistries,
  isSweep: boolean,
  loadedData?: Map<string, Promise<Dataset>>,
): Promise<ExperimentIssue[]> {
  const previous = tf.engine().backendName;
  // Quiet tfjs's advice to install a native backend: this backend is chosen on purpose, for shapes only.
  const env = tf.env();
  const prod = env.getBool('PROD');
  env.set('PROD', true);
  await tf.setBackend('cpu');
  const probe = new PlanProbe(registries, loadedData);
  const found: { issue: ExperimentIssue; trial: string }[] = [];
  try {
    for (const { trial, experiment } of trials) {
      for (const issue of await checkTrial(experiment, registries, probe)) {
        if (!found.some((known) => known.issue.path === issue.path && known.issue.message === issue.message)) found.push({ issue, trial: describeTrial(trial) });
      }
    }
  } finally {
    probe.dispose();
    if (previous && previous !== 'cpu') await tf.setBackend(previous);
    env.set('PROD', prod);
  }
  return found.map(({ issue, trial }) => ({ path: issue.path, message: isSweep ? `[${trial}] ${issue.message}` : issue.message }));
}

import type { ResolvedExperiment } from '@kdlab/core';
import type { ResolvedTrial } from '@kdlab/runner';

/** What varies between the trials of the test sweeps. */
export interface TrialSettings {
  /** Seed of the data split and the teacher. Default 0. */
  seed?: number;
  /** Seed of the students. Default `seed`. */
  studentSeed?: number;
  /** The KD loss's temperature (touches neither the teacher nor the baseline). Default 4. */
  temperature?: number;
  /** Whether a baseline student is trained. Default true. */
  baseline?: boolean;
  /** The students' transfer set (touches the baseline, not the teacher). */
  transfer?: string;
  /** The teacher's model plugin. Default `cnn`. */
  teacherKind?: string;
}

/**
 * A resolved trial with the fields the job graph and the runner's sweep keys read (teacher, student,
 * data, train, seeds, stages, baseline), shaped as `resolveExperiment` leaves them; the rest of a
 * resolved experiment is left out.
 *
 * @param index - its index in the sweep.
 * @param settings - what differs from the default trial.
 */
export function trialOf(index: number, settings: TrialSettings = {}): ResolvedTrial {
  const seed = settings.seed ?? 0;
  const studentSeed = settings.studentSeed ?? seed;
  const temperature = settings.temperature ?? 4;
  const experiment = {
    name: 'queue-sweep',
    data: { dataset: 'mnist', validation: 0.1, ...(settings.transfer !== undefined ? { transfer: settings.transfer } : {}) },
    teacher: { model: { kind: settings.teacherKind ?? 'cnn', channels: 8 }, train: { epochs: 2, batchSize: 64 } },
    student: { model: { kind: 'mlp', hidden: [32] } },
    losses: [
      { kind: 'kd', weight: 0.9, temperature },
      { kind: 'ce', weight: 0.1 },
    ],
    train: { epochs: 1, batchSize: 64 },
    baseline: settings.baseline ?? true,
    seed,
    studentSeed,
  } as unknown as ResolvedExperiment;
  return {
    trial: { index, values: { 'losses.0.temperature': temperature }, seed: studentSeed, experiment: {} },
    experiment,
  };
}

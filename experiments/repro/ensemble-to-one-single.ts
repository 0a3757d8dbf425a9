// Study 5 of the results page (docs/results.md), its second half: the same student distilled from the
// ensemble's first member alone (the same model, training and seed, so the cached member is reused).
// Run after ensemble-to-one.ts; its baselines are that file's (same student, seeds and budget).
//   npm run repro -- ensemble-to-one
import { defineExperiment } from '@kdlab/core';
import { ce, hinton } from '@kdlab/losses';
import { mlp } from '@kdlab/students';
import { ENSEMBLE_MEMBER, REPRO_DATA, STUDENT_TRAIN } from './shared-setting.js';

export default defineExperiment({
  name: 'ensemble-to-one',
  description: 'A student distilled from a single member of the ensemble, against the baseline, 3 seeds.',
  data: REPRO_DATA,
  teacher: { ...ENSEMBLE_MEMBER, seed: 0 },
  student: { model: mlp({ hidden: [800, 800] }) },
  losses: [ce({ weight: 0.1 }), hinton({ temperature: 4, weight: 0.9 })],
  train: STUDENT_TRAIN,
  seeds: [0, 1, 2],
});

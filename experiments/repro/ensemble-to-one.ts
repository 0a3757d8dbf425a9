// Study 5 of the results page (docs/results.md): how much of an ensemble's gain does one distilled
// student keep? Five teachers of the paper's recipe (30 epochs each, seeds 0-4), averaged in logit
// space; the 800-800 student distilled from the ensemble (this file) and from its first member alone
// (ensemble-to-one-single.ts), against the baseline. 3 seeds, T = 4.
// Hinton et al. (2015, section 4, speech): more than 80% of the ensemble's gain in test frame accuracy
// went into the distilled single model (baseline 58.9%, ensemble of 10 61.1%, distilled 60.8%: 86%).
//   npm run repro -- ensemble-to-one
import { defineExperiment } from '@kdlab/core';
import { ce, hinton } from '@kdlab/losses';
import { mlp } from '@kdlab/students';
import { ENSEMBLE_MEMBER, REPRO_DATA, STUDENT_TRAIN } from './shared-setting.js';

export default defineExperiment({
  name: 'ensemble-to-one',
  description: 'A student distilled from an ensemble of five teachers (averaged logits), against one distilled from a single member and the baseline, 3 seeds.',
  data: REPRO_DATA,
  teacher: {
    ensemble: [0, 1, 2, 3, 4].map((seed) => ({ ...ENSEMBLE_MEMBER, seed })),
    combine: 'mean-logits',
  },
  student: { model: mlp({ hidden: [800, 800] }) },
  losses: [ce({ weight: 0.1 }), hinton({ temperature: 4, weight: 0.9 })],
  train: STUDENT_TRAIN,
  seeds: [0, 1, 2],
});

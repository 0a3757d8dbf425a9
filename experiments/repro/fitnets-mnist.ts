// Study 6 of the results page (docs/results.md), the KD arm: FitNets' MNIST table (Romero et al. 2015,
// table 4) on the full MNIST: a thin-deep student of about 30K parameters (9 conv layers of 8, 16 and
// 32 channels) trained by plain backprop (the baseline) and with FitNets' KD cost, 3 seeds. The hints +
// KD arm is fitnets-mnist-hints.ts (same teacher, student, seeds and budget, so its baselines are these).
//   npm run repro -- fitnets-mnist
import { defineExperiment } from '@kdlab/core';
import { REPRO_DATA } from './shared-setting.js';
import { FITNETS_KD_LOSSES, FITNETS_EVALUATE, FITNETS_STUDENT, FITNETS_STUDENT_TRAIN, FITNETS_TEACHER } from './fitnets-setting.js';

export default defineExperiment({
  name: 'fitnets-mnist',
  description: 'FitNets on MNIST: a ~30K-parameter thin-deep student, plain backprop vs KD (tau = 3, lambda 4 -> 1, no tau^2), 3 seeds.',
  data: REPRO_DATA,
  teacher: FITNETS_TEACHER,
  student: { model: FITNETS_STUDENT },
  losses: FITNETS_KD_LOSSES,
  train: FITNETS_STUDENT_TRAIN,
  evaluate: FITNETS_EVALUATE,
  seeds: [0, 1, 2],
});

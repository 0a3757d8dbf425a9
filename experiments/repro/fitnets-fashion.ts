// Study 6 of the results page (docs/results.md), on Fashion-MNIST: the arms of fitnets-mnist.ts on
// harder images (Debian's dataset-fashion-mnist, the same split): the ~30K-parameter thin-deep student
// by plain backprop (the baseline) and with FitNets' KD cost, 3 seeds, against a teacher of the same
// recipe. The hints + KD arm is fitnets-fashion-hints.ts (its baselines are these).
//   npm run repro -- fitnets-mnist
import { defineExperiment } from '@kdlab/core';
import { REPRO_DATA } from './shared-setting.js';
import { FITNETS_KD_LOSSES, FITNETS_EVALUATE, FITNETS_STUDENT, FITNETS_STUDENT_TRAIN, FITNETS_TEACHER } from './fitnets-setting.js';

export default defineExperiment({
  name: 'fitnets-fashion',
  description: 'FitNets on Fashion-MNIST: a ~30K-parameter thin-deep student, plain backprop vs KD (tau = 3, lambda 4 -> 1, no tau^2), 3 seeds.',
  data: { ...REPRO_DATA, dataset: 'fashion-mnist' },
  teacher: FITNETS_TEACHER,
  student: { model: FITNETS_STUDENT },
  losses: FITNETS_KD_LOSSES,
  train: FITNETS_STUDENT_TRAIN,
  evaluate: FITNETS_EVALUATE,
  seeds: [0, 1, 2],
});

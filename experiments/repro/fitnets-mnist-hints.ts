// Study 6 of the results page (docs/results.md), the hints + KD arm: the student of fitnets-mnist.ts
// trained in FitNets' two stages: 5 epochs of hints (its 5th conv layer regresses the teacher's middle
// block through a ReLU regressor), then 15 of KD, 3 seeds. Its baselines are fitnets-mnist.ts's.
//   npm run repro -- fitnets-mnist
import { defineExperiment } from '@kdlab/core';
import { REPRO_DATA } from './shared-setting.js';
import { FITNETS_EVALUATE, FITNETS_STUDENT, FITNETS_STUDENT_TRAIN, FITNETS_TEACHER, fitnetsStages } from './fitnets-setting.js';

export default defineExperiment({
  name: 'fitnets-mnist',
  description: 'FitNets on MNIST: the ~30K-parameter thin-deep student trained with hints (stage 1) then KD (stage 2), 3 seeds.',
  data: REPRO_DATA,
  teacher: FITNETS_TEACHER,
  student: { model: FITNETS_STUDENT },
  stages: fitnetsStages({ guided: 'block5' }),
  train: FITNETS_STUDENT_TRAIN,
  evaluate: FITNETS_EVALUATE,
  seeds: [0, 1, 2],
});

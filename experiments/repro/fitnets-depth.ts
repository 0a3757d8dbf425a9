// Study 7 of the results page (docs/results.md): FitNets' depth claim at a fixed parameter budget. Five
// thin-deep students of about 30K parameters each, from 3 conv layers of 18/36/72 channels to 19 layers of
// 5/10/20, trained by plain backprop (the baseline) and with hints + KD, 2 seeds, on the full MNIST, against
// study 6's cached teacher. The KD-alone arm is fitnets-depth-kd.ts (same students, seeds and budget).
//   npm run repro -- fitnets-depth
import { defineExperiment } from '@kdlab/core';
import { REPRO_DATA } from './shared-setting.js';
import { FITNETS_DEPTH_SERIES, FITNETS_DEPTH_TRAIN, FITNETS_TEACHER, fitnetsStages } from './fitnets-setting.js';

export default defineExperiment({
  name: 'fitnets-depth',
  description: 'FitNets at a fixed budget of ~30K parameters: depth 3 to 19, plain backprop vs hints + KD (guided: the end of the second stage), 2 seeds.',
  data: REPRO_DATA,
  teacher: FITNETS_TEACHER,
  student: { model: FITNETS_DEPTH_SERIES[2]! },
  stages: fitnetsStages({ guided: 'stage2', hint: 'block3', hintEpochs: 3, totalEpochs: FITNETS_DEPTH_TRAIN.epochs }),
  train: FITNETS_DEPTH_TRAIN,
  sweep: { 'student.model': FITNETS_DEPTH_SERIES },
  seeds: [0, 1],
});

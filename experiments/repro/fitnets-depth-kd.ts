// Study 7 of the results page (docs/results.md), the KD-alone arm: the students of fitnets-depth.ts with
// FitNets' KD cost and no hints, 2 seeds. Its baselines are fitnets-depth.ts's (same students and budget).
//   npm run repro -- fitnets-depth
import { defineExperiment } from '@kdlab/core';
import { REPRO_DATA } from './shared-setting.js';
import { FITNETS_DEPTH_SERIES, FITNETS_DEPTH_TRAIN, FITNETS_KD_LOSSES, FITNETS_TEACHER } from './fitnets-setting.js';

export default defineExperiment({
  name: 'fitnets-depth',
  description: 'FitNets at a fixed budget of ~30K parameters: depth 3 to 19, KD alone (tau = 3, lambda 4 -> 1, no tau^2), 2 seeds.',
  data: REPRO_DATA,
  teacher: FITNETS_TEACHER,
  student: { model: FITNETS_DEPTH_SERIES[2]! },
  losses: FITNETS_KD_LOSSES,
  train: FITNETS_DEPTH_TRAIN,
  sweep: { 'student.model': FITNETS_DEPTH_SERIES },
  seeds: [0, 1],
});

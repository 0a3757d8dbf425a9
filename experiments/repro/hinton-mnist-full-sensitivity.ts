// Study 1 of the results page (docs/results.md), its sensitivity: how much does the gain from soft
// targets depend on the student's learning rate and on the hard/soft weights? The setting of
// hinton-mnist-full.ts at T = 20, with Adam at 3e-4, 1e-3 and 3e-3 and with 0.1/0.9 or 0.5/0.5 hard/soft
// weights, one student seed, each against the baseline trained at the same learning rate. Read on
// validation (the exploration that chooses a setting), with the test errors alongside.
//   npm run repro -- hinton-mnist-full
import { defineExperiment } from '@kdlab/core';
import { ce, hinton } from '@kdlab/losses';
import { mlp } from '@kdlab/students';
import { PAPER_TEACHER, REPRO_DATA, STUDENT_TRAIN } from './shared-setting.js';

export default defineExperiment({
  name: 'hinton-mnist-full-sensitivity',
  description: 'Sensitivity of soft targets at T = 20 to the student learning rate and the hard/soft weights, one seed, on validation.',
  data: REPRO_DATA,
  teacher: PAPER_TEACHER,
  student: { model: mlp({ hidden: [800, 800] }) },
  losses: [ce({ weight: 0.1 }), hinton({ temperature: 20, weight: 0.9 })],
  train: STUDENT_TRAIN,
  sweep: {
    'train.optimizer.learningRate': [3e-4, 1e-3, 3e-3],
    losses: [
      [ce({ weight: 0.1 }), hinton({ temperature: 20, weight: 0.9 })],
      [ce({ weight: 0.5 }), hinton({ temperature: 20, weight: 0.5 })],
    ],
  },
  seeds: [0],
});

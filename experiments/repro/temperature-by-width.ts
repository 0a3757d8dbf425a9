// Study 2 of the results page (docs/results.md): where does the best temperature lie for students of
// different widths? Students of 800, 300 and 30 units per layer (two layers each) x T in {1, 2, 4, 8, 20},
// 3 seeds, all against the one cached teacher of study 1 (0.1 hard + 0.9 soft).
// Paper (section 3): with 300 or more units per layer every T above 8 gave fairly similar results;
// with 30 units per layer, T between 2.5 and 4 worked significantly better than higher or lower ones.
//   npm run repro -- temperature-by-width
import { defineExperiment } from '@kdlab/core';
import { ce, hinton } from '@kdlab/losses';
import { mlp } from '@kdlab/students';
import { PAPER_TEACHER, REPRO_DATA, STUDENT_TRAIN } from './shared-setting.js';

export default defineExperiment({
  name: 'temperature-by-width',
  description: 'Hinton et al. 2015, section 3: the best temperature for students of 800, 300 and 30 units per layer, T in {1, 2, 4, 8, 20}, 3 seeds.',
  data: REPRO_DATA,
  teacher: PAPER_TEACHER,
  student: { model: mlp({ hidden: [800, 800] }) },
  losses: [ce({ weight: 0.1 }), hinton({ temperature: 4, weight: 0.9 })],
  train: STUDENT_TRAIN,
  sweep: { 'student.model.hidden': [[800, 800], [300, 300], [30, 30]], 'losses.1.temperature': [1, 2, 4, 8, 20] },
  seeds: [0, 1, 2],
});

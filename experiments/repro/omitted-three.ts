// Study 3 of the results page (docs/results.md): can a student learn a class it never saw from the
// teacher's soft targets alone? The students' transfer set lacks every 3 (the teacher saw all digits);
// a second transfer set holds only the 7s and 8s. After training, the output biases of the classes left
// out are raised by one shift chosen on validation (which holds every class). 3 seeds, T = 20.
// Paper (section 3): without 3s, 206 test errors, 133 of them on the 1,010 threes; with the 3's bias
// raised by 3.5, 109 errors, 14 on threes. 7s and 8s only: 47.3% errors, 13.2% after adjusting biases.
//   npm run repro -- omitted-three
import { defineExperiment } from '@kdlab/core';
import { ce, hinton } from '@kdlab/losses';
import { mlp } from '@kdlab/students';
import { PAPER_TEACHER, REPRO_DATA, STUDENT_TRAIN } from './shared-setting.js';

export default defineExperiment({
  name: 'omitted-three',
  description: 'Hinton et al. 2015, section 3: students whose transfer set lacks every 3 (or holds only 7s and 8s), with a bias shift chosen on validation, 3 seeds.',
  data: { ...REPRO_DATA, transfer: { omitClasses: [3] } },
  teacher: PAPER_TEACHER,
  student: { model: mlp({ hidden: [800, 800] }) },
  losses: [ce({ weight: 0.1 }), hinton({ temperature: 20, weight: 0.9 })],
  train: STUDENT_TRAIN,
  evaluate: { biasShift: { max: 20, step: 0.1 } },
  sweep: { 'data.transfer': [{ omitClasses: [3] }, { classes: [7, 8] }] },
  seeds: [0, 1, 2],
});

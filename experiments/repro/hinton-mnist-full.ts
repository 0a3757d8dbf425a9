// Study 1 of the results page (docs/results.md): Hinton, Vinyals and Dean (2015), section 3, on the
// full MNIST. The paper's teacher (2 x 1200 ReLU units, dropout on inputs and hidden units, max-norm
// weight constraints, inputs jittered by up to 2 pixels) and its unregularised 800-800 student, trained
// on hard labels (baseline) and on soft targets at T = 20 and at T = 4 (0.1 hard + 0.9 soft), 5 seeds.
// Paper: teacher 67 test errors, student 146, distilled at T = 20: 74.
//   npm run repro -- hinton-mnist-full
import { defineExperiment } from '@kdlab/core';
import { ce, hinton } from '@kdlab/losses';
import { mlp } from '@kdlab/students';
import { PAPER_TEACHER, REPRO_DATA, STUDENT_TRAIN } from './shared-setting.js';

export default defineExperiment({
  name: 'hinton-mnist-full',
  description: 'Hinton et al. 2015, section 3, on the full MNIST: the paper\'s teacher and 800-800 student, soft targets at T = 20 and T = 4, 5 student seeds.',
  data: REPRO_DATA,
  teacher: PAPER_TEACHER,
  student: { model: mlp({ hidden: [800, 800] }) },
  losses: [ce({ weight: 0.1 }), hinton({ temperature: 20, weight: 0.9 })],
  train: STUDENT_TRAIN,
  sweep: { 'losses.1.temperature': [20, 4] },
  seeds: [0, 1, 2, 3, 4],
});

// Study 4 of the results page (docs/results.md), on Fashion-MNIST: the same question as
// less-data.ts, on harder images. The teacher follows the paper's MNIST recipe (50 epochs), trained on
// all 55,000 training images; the students see 1%, 3% or 10% of them. 3 seeds.
// Fashion-MNIST comes from Debian's dataset-fashion-mnist (`npm run repro` installs it when it can).
//   npm run repro -- less-data
import { defineExperiment } from '@kdlab/core';
import { ce, hinton } from '@kdlab/losses';
import { mlp } from '@kdlab/students';
import { PAPER_TEACHER, REPRO_DATA, STUDENT_TRAIN } from './shared-setting.js';

export default defineExperiment({
  name: 'less-data-fashion',
  description: 'Students on 1%, 3% and 10% of the Fashion-MNIST training images, with and without the soft targets of a teacher trained on all of them, 3 seeds.',
  data: { ...REPRO_DATA, dataset: 'fashion-mnist', transfer: { fraction: 0.1 } },
  teacher: { ...PAPER_TEACHER, train: { ...PAPER_TEACHER.train, epochs: 50 } },
  student: { model: mlp({ hidden: [800, 800] }) },
  losses: [ce({ weight: 0.1 }), hinton({ temperature: 4, weight: 0.9 })],
  train: { ...STUDENT_TRAIN, epochs: 200 },
  sweep: { 'data.transfer.fraction': [0.01, 0.03, 0.1] },
  seeds: [0, 1, 2],
});

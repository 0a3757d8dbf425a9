// Study 4 of the results page (docs/results.md), on MNIST: do soft targets let a student learn from
// less labelled data? The teacher of study 1 (trained on all 55,000 training digits) gives soft
// targets; the students see only 1%, 3% or 10% of the training digits (stratified), with their hard
// labels for the baseline and both hard labels and soft targets for the distilled student (T = 4).
// 200 epochs at every fraction (the smaller sets get fewer steps), 3 seeds.
// Hinton et al. (2015, 'Soft targets as regularizers') report that on speech, with 3% of the data, soft
// targets kept a model from overfitting (57.0% test frame accuracy, against 44.5% with hard targets and
// 58.9% with all the data and hard targets).
//   npm run repro -- less-data
import { defineExperiment } from '@kdlab/core';
import { ce, hinton } from '@kdlab/losses';
import { mlp } from '@kdlab/students';
import { PAPER_TEACHER, REPRO_DATA, STUDENT_TRAIN } from './shared-setting.js';

export default defineExperiment({
  name: 'less-data',
  description: 'Students on 1%, 3% and 10% of the MNIST training digits, with and without the soft targets of a teacher trained on all of them, 3 seeds.',
  data: { ...REPRO_DATA, transfer: { fraction: 0.1 } },
  teacher: PAPER_TEACHER,
  student: { model: mlp({ hidden: [800, 800] }) },
  losses: [ce({ weight: 0.1 }), hinton({ temperature: 4, weight: 0.9 })],
  train: { ...STUDENT_TRAIN, epochs: 200 },
  sweep: { 'data.transfer.fraction': [0.01, 0.03, 0.1] },
  seeds: [0, 1, 2],
});

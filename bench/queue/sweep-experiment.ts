// The sweep bench/queue/overhead.ts runs twice, with `--jobs 2` and on the job queue with two
// workers: one teacher, four baselines, 4 temperatures x 4 student seeds (16 distilled students of
// a few seconds each on the native backend).
import { defineExperiment } from '@kdlab/core';
import { ce, hinton } from '@kdlab/losses';
import { mlp } from '@kdlab/students';

export default defineExperiment({
  name: 'bench-queue-sweep',
  data: { dataset: 'mnist-10k', limitTrain: 6000 },
  teacher: { model: mlp({ hidden: [256] }), train: { epochs: 3 } },
  student: { model: mlp({ hidden: [256, 128] }) },
  losses: [ce({ weight: 0.3 }), hinton({ temperature: 4, weight: 0.7 })],
  train: { epochs: 5, batchSize: 32 },
  sweep: { 'losses.1.temperature': [1, 2, 4, 8] },
  seeds: [0, 1, 2, 3],
});

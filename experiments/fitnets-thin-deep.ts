// FitNets as published (Romero et al. 2015): a thin, deep student first learns to reproduce a teacher's
// middle layer through a convolutional regressor (stage 1, hints), then the whole student is trained
// with knowledge distillation whose weight decays linearly from 4 to 1 (stage 2). As in the authors'
// code: the regressor carries the hint layer's non-linearity (ReLU), and the soft term has no T² factor.
// Data: Fashion-MNIST from Debian's dataset-fashion-mnist, KDLAB_DATA_DIR, or the canonical files.
// Quick check on the bundled digits: --set data.dataset=mnist-10k --set data.limitTrain=1000
import { defineExperiment, linearDecay } from '@kdlab/core';
import { ce, hint, hinton } from '@kdlab/losses';
import { cnn, fitnet } from '@kdlab/students';

export default defineExperiment({
  name: 'fitnets-thin-deep',
  description: 'FitNets: stage 1 hints through a regressor, stage 2 KD with a decaying weight.',
  data: { dataset: 'fashion-mnist' },
  teacher: { model: cnn({ channels: [64, 128, 128], dense: [500] }), train: { epochs: 10 } },
  student: { model: fitnet({ depth: 9, width: 16 }) },
  stages: [
    {
      name: 'hints',
      epochs: 5,
      trainable: { upTo: 'block4' }, // the guided layer; the regressor trains too
      losses: [hint({ student: 'block4', teacher: 'block2', regressor: 'auto', activation: 'relu', weight: 1 })],
    },
    {
      name: 'kd',
      epochs: 15,
      losses: [ce({ weight: 1 }), hinton({ temperature: 3, weight: linearDecay(4, 1), scaleByTemperatureSquared: false })],
    },
  ],
  train: { batchSize: 128, optimizer: { kind: 'adam', learningRate: 1e-3 } },
  seed: 0,
});

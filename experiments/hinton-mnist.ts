// The demo study: Hinton et al. (2015), section 3, on the 10,000 MNIST digits shipped with kdlab.
// A wide teacher with dropout, a 24x smaller unregularised student, soft targets at T = 2
// (experiments/hinton-temperature-sweep.ts measures how the temperature matters, over seeds).
import { defineExperiment } from '@kdlab/core';
import { ce, hinton } from '@kdlab/losses';
import { mlp } from '@kdlab/students';

export default defineExperiment({
  name: 'hinton-mnist',
  description: 'Hinton et al. 2015, section 3: soft targets at T=2 on the 10k MNIST digits shipped with kdlab.',
  data: { dataset: 'mnist-10k', split: { train: 0.8, val: 0.1, test: 0.1 } },
  teacher: {
    model: mlp({ hidden: [1200, 1200], dropout: 0.5, inputDropout: 0.2 }),
    train: { epochs: 10 },
  },
  student: { model: mlp({ hidden: [100, 100] }) },
  losses: [ce({ weight: 0.3 }), hinton({ temperature: 2, weight: 0.7 })],
  train: { epochs: 10, batchSize: 128, optimizer: { kind: 'adam', learningRate: 1e-3 } },
  baseline: true,
  seed: 0,
});

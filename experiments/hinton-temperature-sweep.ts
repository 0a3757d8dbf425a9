// How does the distilled student's accuracy depend on the temperature, and is the difference real?
// 4 temperatures x 3 student seeds on the 10k MNIST digits: one teacher (trained once and cached),
// one baseline per student seed, twelve distilled students. Compare with:
//   npm run kdlab -- compare hinton-temperature-sweep --by losses.1.temperature
import { defineExperiment } from '@kdlab/core';
import { ce, hinton } from '@kdlab/losses';
import { mlp } from '@kdlab/students';

export default defineExperiment({
  name: 'hinton-temperature-sweep',
  description: 'Soft-target temperature sweep (Hinton et al. 2015) with 3 student seeds per temperature.',
  data: { dataset: 'mnist-10k', split: { train: 0.8, val: 0.1, test: 0.1 } },
  teacher: { model: mlp({ hidden: [1200, 1200], dropout: 0.5, inputDropout: 0.2 }), train: { epochs: 10 } },
  student: { model: mlp({ hidden: [100, 100] }) },
  losses: [ce({ weight: 0.3 }), hinton({ temperature: 4, weight: 0.7 })],
  train: { epochs: 10, batchSize: 128, optimizer: { kind: 'adam', learningRate: 1e-3 } },
  sweep: { 'losses.1.temperature': [1, 2, 4, 8] },
  seeds: [0, 1, 2],
});

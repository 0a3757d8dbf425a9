// Multi-teacher distillation (averaged logits, as TextBrewer does): two MLP teachers of different
// widths and seeds, distilled into one small student, swept over the temperature, 3 student seeds.
import { defineExperiment } from '@kdlab/core';
import { ce, hinton } from '@kdlab/losses';
import { mlp } from '@kdlab/students';

export default defineExperiment({
  name: 'ensemble-sweep',
  description: 'Two teachers, averaged logits, distilled into a 100-100 MLP; T in {2, 4}, 3 seeds.',
  data: { dataset: 'mnist-10k' },
  teacher: {
    ensemble: [
      { model: mlp({ hidden: [1200, 1200], dropout: 0.5 }), seed: 1 },
      { model: mlp({ hidden: [800, 800], dropout: 0.3 }), seed: 2 },
    ],
    combine: 'mean-logits',
    train: { epochs: 8 },
  },
  student: { model: mlp({ hidden: [100, 100] }) },
  losses: [ce({ weight: 0.3 }), hinton({ temperature: 2, weight: 0.7 })],
  train: { epochs: 10 },
  sweep: { 'losses.1.temperature': [2, 4] },
  seeds: [0, 1, 2],
});

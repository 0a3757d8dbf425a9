// Multi-teacher distillation: two MLP teachers of different widths and seeds, distilled into one small
// student either from their averaged logits (as TextBrewer does) or member by member (the sum of one
// KL term per teacher), 3 student seeds each.
import { defineExperiment } from '@kdlab/core';
import { ce, hinton } from '@kdlab/losses';
import { mlp } from '@kdlab/students';

export default defineExperiment({
  name: 'ensemble-sweep',
  description: 'Two teachers distilled into a 100-100 MLP: averaged logits vs per-teacher KL terms, 3 seeds.',
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
  sweep: { 'losses.1.perTeacher': [false, true] },
  seeds: [0, 1, 2],
});

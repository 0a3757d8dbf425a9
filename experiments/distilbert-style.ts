// DistilBERT-style distillation (Sanh et al. 2019) on images read as sequences of patches: a 4-layer
// transformer teacher, a 2-layer student initialised from every other teacher layer, trained with
// soft targets, hard labels and the cosine loss aligning hidden states.
import { defineExperiment } from '@kdlab/core';
import { ce, cosine, hinton } from '@kdlab/losses';
import { transformer } from '@kdlab/students';

export default defineExperiment({
  name: 'distilbert-style',
  description: 'Transformer student with half the teacher layers, initialised from every other teacher layer.',
  data: { dataset: 'mnist-10k', limitTrain: 4000 },
  teacher: { model: transformer({ embedding: 'patches', patchSize: 4, hidden: 64, layers: 4, heads: 4 }), train: { epochs: 6 } },
  student: { model: transformer({ embedding: 'patches', patchSize: 4, hidden: 64, layers: 2, heads: 4 }), init: { fromTeacher: 'every-other-layer' } },
  losses: [
    ce({ weight: 0.2 }),
    hinton({ temperature: 2, weight: 0.5 }),
    cosine({ student: 'layer2', teacher: 'layer4', weight: 0.3 }),
  ],
  train: { epochs: 6, batchSize: 64 },
});

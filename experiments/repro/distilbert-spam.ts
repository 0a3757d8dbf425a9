// Study 9 of the results page (docs/results.md): DistilBERT-style distillation on the SpamAssassin mails.
// The 2-layer student initialised from every other teacher layer (DistilBERT), distilled on the task with and without the cosine loss on hidden states,
// 3 seeds; the baseline is the student trained on the labels alone.
//   npm run repro -- distilbert-spam
import { defineExperiment } from '@kdlab/core';
import { SPAM_DATA, SPAM_KD, SPAM_KD_COSINE, SPAM_STUDENT, SPAM_STUDENT_TRAIN, SPAM_TEACHER } from './distilbert-setting.js';

export default defineExperiment({
  name: 'distilbert-spam',
  description: 'DistilBERT-style: a 2-layer student initialised from every other teacher layer (DistilBERT), KD with and without the cosine loss, 3 seeds.',
  data: SPAM_DATA,
  teacher: SPAM_TEACHER,
  student: { model: SPAM_STUDENT, init: { fromTeacher: 'every-other-layer' } },
  losses: SPAM_KD,
  train: SPAM_STUDENT_TRAIN,
  sweep: { losses: [SPAM_KD, SPAM_KD_COSINE] },
  seeds: [0, 1, 2],
});

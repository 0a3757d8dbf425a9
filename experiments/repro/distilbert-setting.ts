// The setting of study 9 (DistilBERT-style distillation on real text, docs/results.md): the SpamAssassin
// mail corpus as WordPiece ids, a 4-layer transformer teacher pre-trained as a masked-language model on
// the training mails and then fine-tuned on ham / spam, and a 2-layer student of the same width.
import type { ExperimentDefinition, TeacherMemberInput } from '@kdlab/core';
import { ce, cosine, hinton } from '@kdlab/losses';
import { transformer } from '@kdlab/students';

/** The corpus: 80% of the mails for training (the WordPiece vocabulary of 8,000 is trained on them), 10% validation, 10% test; rows of 128 ids. */
export const SPAM_DATA = { dataset: 'spam-assassin', split: { train: 0.8, val: 0.1, test: 0.1 } } satisfies ExperimentDefinition['data'];

const ENCODER = { embedding: 'tokens', vocabSize: 8000, maxLength: 128, hidden: 128, heads: 4, dropout: 0.1 } as const;

/**
 * The teacher (BERT's shape, scaled down): 4 post-norm encoder layers of 128 units, 4 heads, feed-forward
 * 512, dropout 0.1, `[CLS]` pooling; pre-trained 10 epochs as a masked-language model (BERT's 15% /
 * 80-10-10 masking, Adam at 1e-3, batch 32), then fine-tuned 4 epochs on the labels (Adam at 1e-4).
 */
export const SPAM_TEACHER = {
  model: transformer({ ...ENCODER, layers: 4 }),
  pretrain: { objective: 'mlm', epochs: 10, batchSize: 32, optimizer: { kind: 'adam', learningRate: 1e-3 } },
  train: { epochs: 4, batchSize: 32, optimizer: { kind: 'adam', learningRate: 1e-4 } },
} satisfies TeacherMemberInput;

/** The student: half the teacher's layers (2), the same width (DistilBERT's choice). */
export const SPAM_STUDENT = transformer({ ...ENCODER, layers: 2 });

/** The students' training (baseline and distilled): 4 epochs of Adam at 1e-4, batch 32, as the teacher's fine-tuning. */
export const SPAM_STUDENT_TRAIN = { epochs: 4, batchSize: 32, optimizer: { kind: 'adam', learningRate: 1e-4 } } satisfies ExperimentDefinition['train'];

/**
 * Task distillation as DistilBERT's: the labels, the teacher's soft targets at T = 2, without and with
 * the cosine loss on the last hidden states (over the real tokens only, as DistilBERT's: `mask`).
 */
export const SPAM_KD = [ce({ weight: 0.5 }), hinton({ temperature: 2, weight: 0.5 })];
export const SPAM_KD_COSINE = [...SPAM_KD, cosine({ student: 'layer2', teacher: 'layer4', mask: 'mask', weight: 0.5 })];

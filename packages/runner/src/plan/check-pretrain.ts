import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import type { Dataset } from '@kdlab/core';
import { maskingVocabulary, maskTokens } from '@kdlab/core';
import { MlmHead } from '@kdlab/core';
import { mlmLoss } from '@kdlab/core';
import type { ResolvedPretrain } from '@kdlab/core';
import { FieldError } from '@kdlab/core';
import type { Model } from '@kdlab/core';
import { pretrainVocabulary } from '../pretrain-teacher.js';

/** Training rows a plan check masks and runs through the model and the head. */
const PROBE_ROWS = 2;

/**
 * Checks a teacher's `pretrain` without training: the data and the model can be pre-trained
 * ({@link pretrainVocabulary}), and the loss of two masked training rows through the model and a
 * head is computed once and finite (what the first step would compute, shapes included).
 *
 * @param model - the teacher, as the plan check built it (its weights are not changed).
 * @param data - the loaded data.
 * @param pretrain - the resolved settings.
 * @param path - the teacher's field path (`teacher`, `teacher.ensemble.1`).
 * @throws FieldError naming the field at fault.
 */
export function checkPretrain(model: Model, data: Dataset, pretrain: ResolvedPretrain, path: string): void {
  const vocabulary = pretrainVocabulary(model, data, path);
  const rows = Math.min(PROBE_ROWS, data.train.count);
  if (rows === 0) throw new FieldError(`${path}.pretrain`, `"${data.name}" has no training rows to pre-train on.`);
  const length = data.inputShape[0]!;
  const rule = { maskRate: pretrain.maskRate, maskTokenRate: pretrain.maskTokenRate, randomTokenRate: pretrain.randomTokenRate };
  const masked = maskTokens(data.train.x.subarray(0, rows * length), length, rule, maskingVocabulary(vocabulary), seedrandom.alea('kdlab/plan/mlm'));
  if (masked.positions.length === 0) return;
  const head = new MlmHead(model.tokenStates!().embedding, 0);
  try {
    const value = tf.tidy(() => mlmLoss(model, model.tokenStates!(), head, masked, rows, false).loss.dataSync()[0]!);
    if (!Number.isFinite(value)) throw new FieldError(`${path}.pretrain`, `the masked-language-model loss of the first training rows is ${value}.`);
  } catch (error) {
    if (error instanceof FieldError) throw error;
    throw new FieldError(`${path}.pretrain`, `the masked-language-model loss cannot be computed: ${(error as Error).message}`, { cause: error });
  } finally {
    head.dispose();
  }
}

import type { Dataset } from '@kdlab/core';
import { tokenVocabularyOf, type TokenVocabulary } from '@kdlab/core';
import type { ResolvedPretrain } from '@kdlab/core';
import { trainMaskedLanguageModel, type MlmResult } from '@kdlab/core';
import { FieldError } from '@kdlab/core';
import type { Model } from '@kdlab/core';
import type { MetricPoint } from '@kdlab/core';

/**
 * What masked-language-model pre-training needs of a teacher and its data, checked: a dataset of
 * token ids that gives its vocabulary (`vocabSize`, `specialTokenIds.pad` and `.mask`), a model with
 * token states whose embedding covers that vocabulary. Answers the vocabulary.
 *
 * @param model - the teacher (built for the data).
 * @param data - the loaded data.
 * @param path - the teacher's field path (`teacher`, `teacher.ensemble.1`).
 * @throws FieldError naming `<path>.pretrain` (the data) or `<path>.model` (the model).
 */
export function pretrainVocabulary(model: Model, data: Dataset, path: string): TokenVocabulary {
  const vocabulary = tokenVocabularyOf(data);
  if (vocabulary === undefined) {
    throw new FieldError(
      `${path}.pretrain`,
      `masked-language-model pre-training needs a dataset of token ids that gives its vocabSize and specialTokenIds (pad and mask), as "spam-assassin" does; "${data.name}" (input [${data.inputShape.join(', ')}]) does not.`,
    );
  }
  const states = model.tokenStates?.();
  if (states === undefined) {
    throw new FieldError(`${path}.model`, `masked-language-model pre-training needs a model with per-token hidden states (the transformer with embedding "tokens"); the ${model.kind} model has none.`);
  }
  const rows = states.embedding.shape[0]!;
  if (rows < vocabulary.vocabSize) {
    throw new FieldError(`${path}.model.vocabSize`, `the model's token embedding has ${rows} rows, fewer than the ${vocabulary.vocabSize} ids of "${data.name}": set vocabSize to ${vocabulary.vocabSize}.`);
  }
  return vocabulary;
}

/** What {@link pretrainTeacher} is given. */
export interface PretrainTeacherOptions {
  /** The teacher, freshly built. */
  model: Model;
  /** The teacher's data (its whole training split is the corpus). */
  data: Dataset;
  /** The resolved `pretrain` settings. */
  pretrain: ResolvedPretrain;
  /** Seed of the batch order, the masks and the head. */
  seed: number;
  /** The teacher's field path, for errors. */
  path: string;
  /** Receives the metric points (the teacher run's `pretrain/...` metrics). */
  onMetrics: (points: MetricPoint[]) => Promise<void>;
  /** Receives one line per epoch. */
  onNote?: (line: string) => void;
  /** Aborts between steps. */
  signal?: AbortSignal;
}

/**
 * Pre-trains a teacher as a masked-language model on its training rows, before its training on the
 * labels, logging into the teacher's run ({@link trainMaskedLanguageModel}). The head is dropped
 * afterwards; the model keeps its pre-trained encoder and embeddings.
 *
 * @throws FieldError when the data or the model cannot be pre-trained ({@link pretrainVocabulary}).
 */
export async function pretrainTeacher(options: PretrainTeacherOptions): Promise<MlmResult> {
  const { model, data, pretrain } = options;
  const vocabulary = pretrainVocabulary(model, data, options.path);
  return trainMaskedLanguageModel({
    model,
    data,
    vocabulary,
    rule: { maskRate: pretrain.maskRate, maskTokenRate: pretrain.maskTokenRate, randomTokenRate: pretrain.randomTokenRate },
    settings: pretrain.train,
    seed: options.seed,
    onMetrics: options.onMetrics,
    onEpoch: (summary) =>
      options.onNote?.(
        `pre-training epoch ${summary.epoch}/${summary.epochs}: MLM loss ${summary.loss.toFixed(3)}, masked-token accuracy ${summary.maskedAccuracy.toFixed(3)} ` +
          `(validation ${summary.valLoss.toFixed(3)}, ${summary.valMaskedAccuracy.toFixed(3)}), ${summary.seconds.toFixed(1)} s`,
      ),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** A one-line description of the pre-training, for the run's `role.training` param. */
export function describePretrain(pretrain: ResolvedPretrain): string {
  return `pre-trained ${pretrain.train.epochs} epochs as a masked-language model (${pretrain.maskRate} of the tokens chosen; ${pretrain.maskTokenRate} [MASK], ${pretrain.randomTokenRate} random)`;
}

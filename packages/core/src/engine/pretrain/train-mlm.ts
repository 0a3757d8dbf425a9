import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import { Batcher } from '../../data/batcher.js';
import type { Dataset, DataSplit } from '../../data/dataset.js';
import type { TokenVocabulary } from '../../data/token-vocabulary.js';
import type { Model } from '../../model/model.js';
import type { MetricPoint } from '../../tracking/tracker.js';
import { createOptimizer, setLearningRate } from '../create-optimizer.js';
import { deriveSeed } from '../derive-seed.js';
import { learningRateAt } from '../learning-rate-schedule.js';
import type { TrainSettings } from '../train-settings.js';
import { TrainingAbortedError } from '../training-aborted.js';
import { maskingVocabulary, maskTokens, type MaskedBatch, type MaskingRule, type MaskingVocabulary } from './mask-tokens.js';
import { MlmHead } from './mlm-head.js';
import { mlmLoss } from './mlm-loss.js';

/** Everything {@link trainMaskedLanguageModel} needs. */
export interface TrainMlmOptions {
  /** The model to pre-train: it must have {@link Model.tokenStates}. */
  model: Model;
  /** A dataset of token ids: its training rows are the corpus, its validation rows are measured. */
  data: Dataset;
  /** The dataset's vocabulary ({@link tokenVocabularyOf}). */
  vocabulary: TokenVocabulary;
  /** BERT's masking rates. */
  rule: MaskingRule;
  /** Epochs, batch size, optimizer, weight decay and learning-rate schedule. */
  settings: TrainSettings;
  /** Seed of the batch order, the masks and the head's initialisation. */
  seed: number;
  /** Receives the metric points of each epoch, then the final ones. */
  onMetrics?: (points: MetricPoint[]) => void | Promise<void>;
  /** Receives each epoch's summary. */
  onEpoch?: (summary: MlmEpochSummary) => void;
  /** Aborts between steps (Ctrl-C). */
  signal?: AbortSignal;
}

/** What one epoch of masked-language-model pre-training measured. */
export interface MlmEpochSummary {
  /** 1-based epoch. */
  epoch: number;
  /** Epochs in all. */
  epochs: number;
  /** Mean cross-entropy over the epoch's chosen tokens (dropout on, as the steps saw them). */
  loss: number;
  /** Fraction of the epoch's chosen tokens predicted right (the original token most likely). */
  maskedAccuracy: number;
  /** The same loss on the validation rows, masked once with a fixed generator (the same tokens every epoch). */
  valLoss: number;
  /** The same accuracy on the validation rows. */
  valMaskedAccuracy: number;
  /** Tokens chosen for prediction in the epoch's training rows. */
  maskedTokens: number;
  /** Wall time of the epoch's steps, in seconds. */
  seconds: number;
}

/** The outcome of {@link trainMaskedLanguageModel}. */
export interface MlmResult {
  /** Per-epoch summaries. */
  epochs: MlmEpochSummary[];
  /** Parameters of the head, dropped after pre-training (the tied decoder's weights are the embedding's). */
  headParams: number;
  /** Wall time in seconds, validation included. */
  seconds: number;
}

const EVAL_ROWS = 256;

/** The seedrandom seed string of the masks of an epoch (from 0), or of the validation rows (`'val'`). */
export function maskSeedString(seed: number, epoch: number | 'val'): string {
  return epoch === 'val' ? `kdlab/mlm/${seed}/val` : `kdlab/mlm/${seed}/epoch/${epoch}`;
}

/** The validation rows, masked once, in batches of {@link EVAL_ROWS}. */
function maskedValidation(split: DataSplit, length: number, rule: MaskingRule, vocabulary: MaskingVocabulary, seed: number): { batch: MaskedBatch; rows: number }[] {
  const random = seedrandom.alea(maskSeedString(seed, 'val'));
  const batches: { batch: MaskedBatch; rows: number }[] = [];
  for (let start = 0; start < split.count; start += EVAL_ROWS) {
    const rows = Math.min(EVAL_ROWS, split.count - start);
    batches.push({ batch: maskTokens(split.x.subarray(start * length, (start + rows) * length), length, rule, vocabulary, random), rows });
  }
  return batches;
}

/**
 * Pre-trains a model as a masked-language model (BERT, Devlin et al. 2019): for `settings.epochs`
 * passes over the training rows, in seeded batches, each batch's tokens are hidden by BERT's rule
 * ({@link maskTokens}, seeded per epoch), and the model with an {@link MlmHead} on its token states
 * learns to predict the hidden tokens ({@link mlmLoss}: cross-entropy over the chosen positions only).
 * The head's decoder is tied to the model's token embedding. After each epoch the validation rows,
 * masked once, are measured. The head is freed at the end: the model keeps what it learnt, its
 * classifier untouched (it gets no gradient).
 *
 * Metrics per epoch (step = epoch): `pretrain/loss`, `pretrain/masked_accuracy`, `pretrain/val_loss`,
 * `pretrain/val_masked_accuracy`, `pretrain/epoch_s`, and `pretrain/learning_rate` with a schedule;
 * then `pretrain/head_params` and `time/pretrain_s`.
 */
export async function trainMaskedLanguageModel(options: TrainMlmOptions): Promise<MlmResult> {
  const { model, data, rule, settings, seed } = options;
  const states = model.tokenStates?.();
  if (states === undefined) throw new Error(`masked-language modelling: the ${model.kind} model has no per-token hidden states (tokenStates).`);
  if (model.inputShape.length !== 1) throw new Error(`masked-language modelling: the model reads [${model.inputShape.join(', ')}], not rows of token ids [seq].`);
  const length = model.inputShape[0]!;
  const vocabulary = maskingVocabulary(options.vocabulary);
  if (states.embedding.shape[0]! < options.vocabulary.vocabSize) {
    throw new Error(`masked-language modelling: the model's token embedding has ${states.embedding.shape[0]} rows, the dataset's vocabulary ${options.vocabulary.vocabSize} ids.`);
  }
  const started = performance.now();
  const head = new MlmHead(states.embedding, deriveSeed(seed, 'head'));
  const optimizer = createOptimizer(settings.optimizer);
  const validation = maskedValidation(data.val, length, rule, vocabulary, seed);
  const epochs: MlmEpochSummary[] = [];
  try {
    const modelVariables = model.trainableVariables();
    const variables = [...modelVariables, ...head.variables];
    const decayed = settings.weightDecay > 0 ? [...modelVariables, ...head.variables].filter((v) => v.rank >= 2) : [];
    const batcher = new Batcher(data.train, { batchSize: settings.batchSize, seed, inputShape: data.inputShape });
    const steps = batcher.stepsPerEpoch;
    const scheduled = settings.schedule !== undefined && settings.schedule.kind !== 'constant';
    let learningRate = settings.optimizer.learningRate;
    for (let epoch = 1; epoch <= settings.epochs; epoch += 1) {
      const random = seedrandom.alea(maskSeedString(seed, epoch - 1));
      const epochStart = performance.now();
      let lossSum = 0;
      let hits = 0;
      let chosen = 0;
      let step = 0;
      for (const batch of batcher.epoch(epoch - 1)) {
        if (options.signal?.aborted) throw new TrainingAbortedError();
        if (scheduled) {
          learningRate = learningRateAt(settings.schedule, settings.optimizer.learningRate, (epoch - 1) * steps + step, steps, steps * settings.epochs);
          setLearningRate(optimizer, learningRate);
        }
        step += 1;
        const masked = maskTokens(batch.x.subarray(0, batch.size * length), length, rule, vocabulary, random);
        if (masked.positions.length === 0) continue;
        const stats = tf.tidy(() => {
          let kept: tf.Tensor | undefined;
          const { grads } = tf.variableGrads(() => {
            const { loss, hits: right } = mlmLoss(model, states, head, masked, batch.size, true);
            let total = loss;
            if (decayed.length > 0) total = tf.add(total, tf.mul(tf.addN(decayed.map((v) => tf.sum(tf.square(v)))), settings.weightDecay / 2));
            kept = tf.keep(tf.stack([loss, right]));
            return total;
          }, variables);
          optimizer.applyGradients(grads);
          return kept!;
        });
        const [loss, right] = stats.dataSync() as Float32Array;
        stats.dispose();
        if (!Number.isFinite(loss!)) throw new Error(`The masked-language-model loss became ${loss} at pre-training epoch ${epoch}, step ${step}: lower the learning rate.`);
        lossSum += loss! * masked.positions.length;
        hits += right!;
        chosen += masked.positions.length;
      }
      const seconds = (performance.now() - epochStart) / 1000;
      let valLoss = 0;
      let valHits = 0;
      let valChosen = 0;
      for (const { batch, rows } of validation) {
        if (batch.positions.length === 0) continue;
        const measured = tf.tidy(() => {
          const { loss, hits: right } = mlmLoss(model, states, head, batch, rows, false);
          return tf.stack([loss, right]);
        });
        const [loss, right] = measured.dataSync() as Float32Array;
        measured.dispose();
        valLoss += loss! * batch.positions.length;
        valHits += right!;
        valChosen += batch.positions.length;
      }
      const summary: MlmEpochSummary = {
        epoch,
        epochs: settings.epochs,
        loss: lossSum / Math.max(chosen, 1),
        maskedAccuracy: hits / Math.max(chosen, 1),
        valLoss: valChosen === 0 ? Number.NaN : valLoss / valChosen,
        valMaskedAccuracy: valChosen === 0 ? Number.NaN : valHits / valChosen,
        maskedTokens: chosen,
        seconds,
      };
      epochs.push(summary);
      const now = Date.now();
      const point = (key: string, value: number): MetricPoint => ({ key, value, step: epoch, timestamp: now });
      await options.onMetrics?.([
        point('pretrain/loss', summary.loss),
        point('pretrain/masked_accuracy', summary.maskedAccuracy),
        ...(valChosen === 0 ? [] : [point('pretrain/val_loss', summary.valLoss), point('pretrain/val_masked_accuracy', summary.valMaskedAccuracy)]),
        point('pretrain/epoch_s', seconds),
        ...(scheduled ? [point('pretrain/learning_rate', learningRate)] : []),
      ]);
      options.onEpoch?.(summary);
    }
    const total = (performance.now() - started) / 1000;
    const now = Date.now();
    await options.onMetrics?.([
      { key: 'pretrain/head_params', value: head.paramCount(), step: settings.epochs, timestamp: now },
      { key: 'time/pretrain_s', value: total, step: settings.epochs, timestamp: now },
    ]);
    return { epochs, headParams: head.paramCount(), seconds: total };
  } finally {
    optimizer.dispose();
    head.dispose();
  }
}

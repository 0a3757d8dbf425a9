import * as tf from '@tensorflow/tfjs-core';
import { Batcher } from '../data/batcher.js';
import type { Dataset } from '../data/dataset.js';
import type { Model } from '../model/model.js';
import type { MetricPoint } from '../tracking/tracker.js';
import { BatchAugmenter } from '../data/augment/augment-batch.js';
import { augments } from '../data/augment/augmentation.js';
import { classificationMetrics, type ClassificationMetrics } from './classification-metrics.js';
import { createOptimizer, setLearningRate } from './create-optimizer.js';
import { learningRateAt } from './learning-rate-schedule.js';
import { applyMaxNorm } from './max-norm.js';
import { predictLogits } from './predict-logits.js';
import type { TeacherSignal } from './teacher-signal.js';
import type { TrainSettings } from './train-settings.js';
import { TrainingAbortedError } from './training-aborted.js';
import type { WeightedTerm } from './weighted-term.js';
import type { EpochSummary } from './epoch-summary.js';
import { weightAt } from './weight-schedule.js';
import { WeightsSnapshot } from './weights-snapshot.js';
import { captureOptimizerState, restoreOptimizerState } from './checkpoint/optimizer-state.js';
import { assignSaved, readOnAccess, saveTensor, type CheckpointValues, type SavedTensor } from './checkpoint/saved-tensor.js';
import { TRAIN_CHECKPOINT_VERSION, type TrainCheckpoint } from './checkpoint/train-checkpoint.js';
import type { PruningInstance, PruningProgress } from '../prune/define-pruning.js';
import { PruningMasks } from './pruning-masks.js';
import { measureSparseSize, sparseSizePoints, type SparseSize } from './sparse-size.js';

/** Progress of a training run, for progress bars. */
export type TrainProgress = EpochStartEvent | StepEvent | EpochEndEvent;

/** An epoch starts. */
export interface EpochStartEvent {
  /** The event's kind. */
  kind: 'epoch-start';
  /** 1-based epoch, counted across stages. */
  epoch: number;
  /** Epochs in all. */
  epochs: number;
  /** Steps in this epoch. */
  steps: number;
  /** The stage's name. */
  stage: string;
}

/** A step ended. */
export interface StepEvent {
  /** The event's kind. */
  kind: 'step';
  /** 1-based epoch. */
  epoch: number;
  /** 1-based step within the epoch. */
  step: number;
  /** Steps in this epoch. */
  steps: number;
  /** The step's weighted total loss. */
  loss: number;
}

/** An epoch ended (after validation). */
export interface EpochEndEvent {
  /** The event's kind. */
  kind: 'epoch-end';
  /** 1-based epoch. */
  epoch: number;
  /** Epochs in all. */
  epochs: number;
  /** What the epoch measured. */
  summary: EpochSummary;
}


/** One stage of training: its epochs, loss terms, optimizer and which variables train. */
export interface TrainStage {
  /** A name for logs and progress (`train`, `hints`, `kd`). */
  name: string;
  /** Its weighted loss terms. */
  terms: readonly WeightedTerm[];
  /** Its budget (`epochs`, `batchSize`), optimizer (a fresh one for the stage) and weight decay. */
  settings: TrainSettings;
  /**
   * The model variables this stage trains (default: all trainable ones); the terms' own variables
   * (a regressor) always train.
   */
  modelVariables?: tf.Variable[];
  /**
   * Its pruning of the model, when it prunes: asked for masks before the stage's first step and after
   * every step; the masks in force (this stage's and earlier stages') multiply their variables after
   * every optimizer step.
   */
  pruning?: PruningInstance;
}

/** A teacher's test-set predictions (one class per test example), or a function that answers them when they are ready. */
export type TeacherPredictions = Int32Array | (() => Promise<Int32Array>);

/** Everything {@link trainModel} needs. */
export interface TrainModelOptions {
  /** The model to train (a student, or a teacher trained on hard labels). */
  model: Model;
  /** The stages, run in order; epochs are numbered across them. */
  stages: readonly TrainStage[];
  /** The data. */
  data: Dataset;
  /** Seed of the batch order. */
  seed: number;
  /** The frozen teacher's outputs, for distillation. */
  teacher?: TeacherSignal;
  /**
   * The teacher's test-set predictions, for the `test/agreement` metric; or a function answering them,
   * called once training and the test evaluation are done (a baseline trained while its teacher still
   * trains in another worker waits only there). Its waiting is not counted in `time/train_s`.
   */
  teacherTestPredictions?: TeacherPredictions;
  /** Receives metric points as they are measured (per epoch, then the final test metrics). */
  onMetrics?: (points: MetricPoint[]) => void | Promise<void>;
  /** Receives progress events. */
  onProgress?: (event: TrainProgress) => void;
  /** Aborts training between steps (Ctrl-C). */
  signal?: AbortSignal;
  /**
   * Receives a checkpoint at the end of every epoch, after the epoch's metrics (to store it: the
   * training waits for it). Without it, no checkpoint is taken.
   */
  checkpoint?: (checkpoint: TrainCheckpoint) => Promise<void>;
  /**
   * How the checkpoint's tensor values reach `checkpoint` (default `copied`: read out when it is
   * taken, the callback may keep them; `on-access`: read each time they are accessed, and only until
   * the callback's promise settles, for a callback that writes them out one at a time).
   */
  checkpointValues?: CheckpointValues;
  /**
   * Continues a training from a checkpoint it took (same model, stages, data and seed): the epochs it
   * completed are skipped, and the training computes exactly what it would have without the
   * interruption. The checkpoint's metric points are handed to `onMetrics` again first (a resumed run
   * drops those it has).
   */
  resumeFrom?: TrainCheckpoint;
}

/** The outcome of {@link trainModel}. */
export interface TrainResult {
  /** Per-epoch summaries. */
  epochs: EpochSummary[];
  /** 1-based epoch with the best validation accuracy (the first one on ties). */
  bestEpoch: number;
  /** Best validation accuracy. */
  bestValAccuracy: number;
  /** Test metrics of the weights after the last epoch (the model is left with these weights). */
  testLast: ClassificationMetrics;
  /** Test metrics of the best-validation epoch's weights. */
  testBest: ClassificationMetrics;
  /** Total training wall time in seconds (steps and validation). */
  seconds: number;
  /** For a training that pruned: the size of the model left (its last epoch's weights), its pruned tensors stored sparse. */
  size?: SparseSize;
}

const EVAL_BATCH = 512;

function testPoints(prefix: string, metrics: ClassificationMetrics, step: number, timestamp: number): MetricPoint[] {
  const points: MetricPoint[] = [
    { key: `${prefix}/accuracy`, value: metrics.accuracy, step, timestamp },
    { key: `${prefix}/nll`, value: metrics.nll, step, timestamp },
    { key: `${prefix}/ece`, value: metrics.ece, step, timestamp },
    { key: `${prefix}/f1`, value: metrics.f1, step, timestamp },
    ...metrics.f1ByClass.map((value, c) => ({ key: `${prefix}/f1_class_${c}`, value, step, timestamp })),
  ];
  if (metrics.agreement !== undefined) points.push({ key: `${prefix}/agreement`, value: metrics.agreement, step, timestamp });
  return points;
}

/**
 * Trains a model for `settings.epochs` epochs on the weighted loss terms, validating after each epoch
 * and testing at the end with both the last and the best-validation weights.
 *
 * The step: the teacher's outputs for the batch are computed (or gathered from the cache) outside the
 * gradient tape, the student runs in training mode, each term is computed once, the weighted sum (plus
 * optional L2 weight decay) is differentiated with respect to the student's and the losses' own
 * variables only, and the optimizer applies the gradients. Every tensor of a step is freed.
 */
export async function trainModel(options: TrainModelOptions): Promise<TrainResult> {
  const { model, data } = options;
  if (options.stages.length === 0) throw new Error('trainModel: no stages to train.');
  const started = performance.now();
  const totalEpochs = options.stages.reduce((sum, stage) => sum + stage.settings.epochs, 0);
  const resume = options.resumeFrom;
  if (resume) checkResumable(resume, options.stages, totalEpochs);
  const secondsBefore = resume?.seconds ?? 0;
  const epochs: EpochSummary[] = resume ? [...resume.epochs] : [];
  // Every per-epoch point, for the checkpoints (a resumed run logs those its run lacks).
  const loggedPoints: MetricPoint[] = resume ? [...resume.points] : [];
  // `saved`: the snapshot's values out of the backend, read once per best epoch for the checkpoints.
  let best: { epoch: number; accuracy: number; snapshot: WeightsSnapshot; saved?: SavedTensor[] } | undefined;
  let epoch = 0;
  let optimizer: tf.Optimizer | undefined;
  const masks = new PruningMasks();

  try {
    if (resume) {
      assignSaved(model.allVariables(), resume.weights, `the ${model.kind} model's variables`);
      if (resume.pruning) masks.restore(model.allVariables(), resume.pruning.masks);
      if (resume.randomState) model.restoreRandomState?.(resume.randomState);
      best = { epoch: resume.best.epoch, accuracy: resume.best.accuracy, snapshot: WeightsSnapshot.fromSaved(model.allVariables(), resume.best.weights), saved: resume.best.weights };
      if (resume.points.length > 0) await options.onMetrics?.(resume.points);
    }
    for (const [stageIndex, stage] of options.stages.entries()) {
      const { terms, settings } = stage;
      // A resumed training skips the stages it completed, and the epochs of the stage it was in.
      const firstEpoch = epoch;
      if (resume && firstEpoch + settings.epochs <= resume.epoch) {
        epoch += settings.epochs;
        continue;
      }
      const resumedEpochs = resume && resume.stage === stageIndex ? resume.epoch - firstEpoch : 0;
      const modelVariables = stage.modelVariables ?? model.trainableVariables();
      const variables = [...modelVariables, ...terms.flatMap((term) => term.loss.variables)];
      const decayed = settings.weightDecay > 0 ? modelVariables.filter((v) => v.rank >= 2) : [];
      optimizer?.dispose();
      optimizer = createOptimizer(settings.optimizer);
      const stageOptimizer = optimizer;
      if (resume && resumedEpochs > 0) {
        await restoreOptimizerState(stageOptimizer, resume.optimizer, variables);
        restoreTerms(terms, resume.losses);
        restorePruning(stage, resume.pruning);
        epoch += resumedEpochs;
      }
      const batcher = new Batcher(data.train, { batchSize: settings.batchSize, seed: options.seed, inputShape: data.inputShape });
      const steps = batcher.stepsPerEpoch;
      const augmenter = augments(settings.augment) ? new BatchAugmenter(settings.augment, data.inputShape, options.seed) : undefined;
      const scheduled = settings.schedule !== undefined && settings.schedule.kind !== 'constant';
      const stageSteps = steps * settings.epochs;
      let learningRate = settings.optimizer.learningRate;
      const pruning = stage.pruning;
      const progress = (done: number): PruningProgress => ({ step: done, stageSteps, stepsPerEpoch: steps });
      for (let stageEpoch = resumedEpochs; stageEpoch < settings.epochs; stageEpoch += 1) {
        epoch += 1;
        const weights = terms.map((term) => weightAt(term.weight, stageEpoch, settings.epochs));
        options.onProgress?.({ kind: 'epoch-start', epoch, epochs: totalEpochs, steps, stage: stage.name });
        const epochStart = performance.now();
        // Whether the count of pruned weights changed in this epoch (the best epoch is then chosen anew).
        let pruneChanged = pruning !== undefined && stageEpoch === 0 && masks.update(pruning, progress(0));
        const termSums = new Float64Array(terms.length);
        let lossSum = 0;
        let correct = 0;
        let seen = 0;
        let step = 0;
        for (const batch of batcher.epoch(epoch - 1)) {
          if (options.signal?.aborted) throw new TrainingAbortedError();
          if (scheduled) {
            learningRate = learningRateAt(settings.schedule, settings.optimizer.learningRate, stageEpoch * steps + step, steps, stageSteps);
            setLearningRate(stageOptimizer, learningRate);
          }
          augmenter?.apply(batch.x, batch.size, epoch - 1, step);
          step += 1;
          const stats = tf.tidy(() => {
            const x = tf.tensor(batch.x, [batch.size, ...data.inputShape]);
            const labels = tf.tensor1d(batch.y, 'int32');
            const teacher = options.teacher?.outputs(batch.indices, x);
            let kept: tf.Tensor | undefined;
            const { grads } = tf.variableGrads(() => {
              const student = model.forward(x, { training: true });
              const values = terms.map((term) => term.loss.compute({ student, labels, indices: batch.indices, training: true, ...(teacher ? { teacher } : {}) }));
              let total: tf.Scalar = tf.addN(values.map((value, i) => tf.mul(value, weights[i]!))) as tf.Scalar;
              if (decayed.length > 0) {
                const l2 = tf.addN(decayed.map((v) => tf.sum(tf.square(v))));
                total = tf.add(total, tf.mul(l2, settings.weightDecay / 2));
              }
              const hits = tf.sum(tf.cast(tf.equal(tf.argMax(student.logits, 1), labels), 'float32'));
              kept = tf.keep(tf.stack([total, ...values, hits]));
              return total;
            }, variables);
            stageOptimizer.applyGradients(grads);
            return kept!;
          });
          if (settings.maxNorm !== undefined) applyMaxNorm(modelVariables, settings.maxNorm);
          masks.apply();
          if (pruning && masks.update(pruning, progress(stageEpoch * steps + step))) pruneChanged = true;
          const values = stats.dataSync();
          stats.dispose();
          const total = values[0]!;
          if (!Number.isFinite(total)) {
            throw new Error(`The loss became ${total} at epoch ${epoch}, step ${step}: lower the learning rate or check the loss weights.`);
          }
          lossSum += total * batch.size;
          terms.forEach((_, i) => {
            termSums[i]! += values[i + 1]! * batch.size;
          });
          correct += values[terms.length + 1]!;
          seen += batch.size;
          options.onProgress?.({ kind: 'step', epoch, step, steps, loss: total });
        }
        const seconds = (performance.now() - epochStart) / 1000;
        const val = classificationMetrics(await predictLogits(model, data.val, EVAL_BATCH), data.val.y, data.numClasses);
        if (pruneChanged) {
          // The best epoch is one of the sparsity the training ends with, never a denser one before it.
          best?.snapshot.dispose();
          best = undefined;
        }
        if (!best || val.accuracy > best.accuracy) {
          best?.snapshot.dispose();
          best = { epoch, accuracy: val.accuracy, snapshot: new WeightsSnapshot(model.allVariables()) };
        }
        const summary: EpochSummary = {
          epoch,
          stage: stage.name,
          loss: lossSum / seen,
          terms: Object.fromEntries(terms.map((term, i) => [term.name, termSums[i]! / seen])),
          trainAccuracy: correct / seen,
          valAccuracy: val.accuracy,
          valNll: val.nll,
          seconds,
          numTensors: tf.memory().numTensors,
        };
        epochs.push(summary);
        const now = Date.now();
        const points: MetricPoint[] = [
          { key: 'train/loss', value: summary.loss, step: epoch, timestamp: now },
          ...terms.map((term) => ({ key: `train/loss_${term.name}`, value: summary.terms[term.name]!, step: epoch, timestamp: now })),
          { key: 'train/accuracy', value: summary.trainAccuracy, step: epoch, timestamp: now },
          { key: 'val/accuracy', value: val.accuracy, step: epoch, timestamp: now },
          { key: 'val/nll', value: val.nll, step: epoch, timestamp: now },
          ...(scheduled ? [{ key: 'train/learning_rate', value: learningRate, step: epoch, timestamp: now }] : []),
          { key: 'time/epoch_s', value: seconds, step: epoch, timestamp: now },
          { key: 'time/samples_per_s', value: seen / seconds, step: epoch, timestamp: now },
          { key: 'memory/num_tensors', value: summary.numTensors, step: epoch, timestamp: now },
          ...(options.stages.length > 1 ? [{ key: 'train/stage', value: options.stages.indexOf(stage) + 1, step: epoch, timestamp: now }] : []),
          ...(masks.isEmpty ? [] : [{ key: 'train/sparsity', value: masks.counts().pruned / masks.counts().masked, step: epoch, timestamp: now }]),
          ...terms.flatMap((term, i) =>
            typeof term.weight === 'number' ? [] : [{ key: `train/weight_${term.name}`, value: weights[i]!, step: epoch, timestamp: now }],
          ),
        ];
        await options.onMetrics?.(points);
        if (options.checkpoint) {
          loggedPoints.push(...points);
          // `copied` values are read now (the best epoch's once, then kept); `on-access` ones when the callback reads them.
          const onAccess = options.checkpointValues === 'on-access';
          const read = onAccess ? readOnAccess : saveTensor;
          const optimizerState = await captureOptimizerState(stageOptimizer, variables, read);
          try {
            await options.checkpoint({
              version: TRAIN_CHECKPOINT_VERSION,
              epoch,
              stage: stageIndex,
              epochs: [...epochs],
              points: [...loggedPoints],
              seconds: secondsBefore + (performance.now() - started) / 1000,
              best: { epoch: best!.epoch, accuracy: best!.accuracy, weights: best!.saved ?? (onAccess ? best!.snapshot.save(read) : (best!.saved = best!.snapshot.save())) },
              weights: model.allVariables().map(read),
              optimizer: optimizerState.state,
              losses: terms.map((term) => ({ variables: term.loss.variables.map(read), ...(term.loss.saveState ? { state: term.loss.saveState() } : {}) })),
              ...(model.randomState ? { randomState: model.randomState() } : {}),
              ...(masks.isEmpty && !pruning ? {} : { pruning: { masks: masks.save(model.allVariables()), ...(pruning?.saveState ? { state: pruning.saveState() } : {}) } }),
            });
          } finally {
            optimizerState.release();
          }
        }
        options.onProgress?.({ kind: 'epoch-end', epoch, epochs: totalEpochs, summary });
      }
    }

    const lastLogits = await predictLogits(model, data.test, EVAL_BATCH);
    const last = new WeightsSnapshot(model.allVariables());
    best!.snapshot.restore();
    const bestLogits = await predictLogits(model, data.test, EVAL_BATCH);
    last.restore();
    last.dispose();
    const size = masks.isEmpty ? undefined : measureSparseSize(model.trainableVariables(), masks.variables());
    const seconds = secondsBefore + (performance.now() - started) / 1000;
    const predictions = options.teacherTestPredictions;
    const reference = typeof predictions === 'function' ? await predictions() : predictions;
    const testLast = classificationMetrics(lastLogits, data.test.y, data.numClasses, reference);
    const testBest = classificationMetrics(bestLogits, data.test.y, data.numClasses, reference);
    const now = Date.now();
    await options.onMetrics?.([
      ...testPoints('test', testLast, totalEpochs, now),
      ...testPoints('test/best', testBest, totalEpochs, now),
      { key: 'best/epoch', value: best!.epoch, step: totalEpochs, timestamp: now },
      { key: 'best/val_accuracy', value: best!.accuracy, step: totalEpochs, timestamp: now },
      { key: 'time/train_s', value: seconds, step: totalEpochs, timestamp: now },
      ...(size ? sparseSizePoints(size, totalEpochs, now) : []),
    ]);
    return { epochs, bestEpoch: best!.epoch, bestValAccuracy: best!.accuracy, testLast, testBest, seconds, ...(size ? { size } : {}) };
  } finally {
    best?.snapshot.dispose();
    optimizer?.dispose();
    masks.dispose();
  }
}

/**
 * Checks that a checkpoint can continue these stages: its version, its epoch within the training,
 * its stage the one that epoch belongs to, its loss terms those of that stage.
 * @throws Error saying what does not match.
 */
function checkResumable(checkpoint: TrainCheckpoint, stages: readonly TrainStage[], totalEpochs: number): void {
  if (checkpoint.version !== TRAIN_CHECKPOINT_VERSION) throw new Error(`The checkpoint is of version ${checkpoint.version}; this kdlab resumes version ${TRAIN_CHECKPOINT_VERSION} only.`);
  if (!Number.isInteger(checkpoint.epoch) || checkpoint.epoch < 1 || checkpoint.epoch > totalEpochs) {
    throw new Error(`The checkpoint is of epoch ${checkpoint.epoch}, outside this training's epochs 1 to ${totalEpochs}.`);
  }
  let last = 0;
  const stage = stages.findIndex((candidate) => (last += candidate.settings.epochs) >= checkpoint.epoch);
  if (stage !== checkpoint.stage) throw new Error(`The checkpoint's epoch ${checkpoint.epoch} is in stage ${stage + 1}, but the checkpoint says stage ${checkpoint.stage + 1}.`);
  const pruned = stages.findIndex((candidate, i) => i <= stage && candidate.pruning !== undefined);
  if (pruned >= 0 && checkpoint.pruning === undefined) throw new Error(`The checkpoint holds no pruning masks, but stage ${pruned + 1} prunes.`);
  if (checkpoint.losses.length !== stages[stage]!.terms.length) {
    throw new Error(`The checkpoint holds ${checkpoint.losses.length} loss terms for stage ${stage + 1}, which has ${stages[stage]!.terms.length}.`);
  }
}

/** Restores the own state of a stage's pruning from a checkpoint taken in that stage. */
function restorePruning(stage: TrainStage, saved: TrainCheckpoint['pruning']): void {
  if (saved?.state === undefined) return;
  if (!stage.pruning?.restoreState) throw new Error(`The checkpoint holds a pruning state for stage "${stage.name}", whose pruning cannot restore one.`);
  stage.pruning.restoreState(saved.state);
}

/** Restores each loss term's variables and own state from a checkpoint. */
function restoreTerms(terms: readonly WeightedTerm[], saved: TrainCheckpoint['losses']): void {
  terms.forEach((term, i) => {
    const entry = saved[i]!;
    assignSaved(term.loss.variables, entry.variables, `loss term "${term.name}"`);
    if (entry.state) {
      if (!term.loss.restoreState) throw new Error(`The checkpoint holds a state for loss term "${term.name}", which cannot restore one.`);
      term.loss.restoreState(entry.state);
    }
  });
}

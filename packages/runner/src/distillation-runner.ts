import type { PluginRegistries } from '@kdlab/core';
import type { Dataset } from '@kdlab/core';
import { applyTransferSet, gatherMatrixRows } from '@kdlab/data';
import { omittedClasses } from '@kdlab/core';
import { chooseBiasShift, countErrors, shiftLogits } from '@kdlab/core';
import type { BackendInfo } from '@kdlab/core';
import { argmaxRow, classificationMetrics } from '@kdlab/core';
import { combineTeacherLogits } from '@kdlab/core';
import { deriveSeed } from '@kdlab/core';
import { measureLatencyMs } from '@kdlab/core';
import { predictLogits } from '@kdlab/core';
import { CachedTeacherLogits, LiveTeacher, type TeacherSignal } from '@kdlab/core';
import { trainModel, type TeacherPredictions, type TrainResult } from '@kdlab/core';
import { TrainingAbortedError } from '@kdlab/core';
import type { TrainSettings } from '@kdlab/core';
import { studentStages, teacherMembers, type ResolvedExperiment, type ResolvedLossTerm, type ResolvedStage, type ResolvedTeacherMember } from '@kdlab/core';
import type { Model } from '@kdlab/core';
import type { MetricPoint, RunHandle, StartRunOptions, Tracker } from '@kdlab/core';
import { artifactSaveHandler } from './artifact-save-handler.js';
import { measureQuantized, quantizedMetricPoints } from './evaluate-quantized.js';
import { buildModel } from './build-model.js';
import { configHash } from './config-hash.js';
import { datasetDigest } from './dataset-digest.js';
import { experimentDataKey, loadExperimentData } from './experiment-data.js';
import { createStages } from './create-stages.js';
import { checkClassSettings } from './check-class-settings.js';
import { collectGarbage } from './collect-garbage.js';
import { FieldError } from '@kdlab/core';
import { flattenParams } from './flatten-params.js';
import { initializeStudent } from './initialize-student.js';
import { liveTeacherReason } from './live-teacher-reason.js';
import { teacherData } from './teacher-data.js';
import { silentReporter, type Role, type RoleResult, type RunReporter } from './run-reporter.js';
import type { ExperimentResult, TrialContext } from './trial-types.js';
import { restoreWeights, TrainedModelCache } from './trained-model-cache.js';
import { withOpenRun, withTrackedRun } from './tracked-run.js';
import type { CheckpointStore } from './checkpoint-store.js';
import { droppingLoggedSteps } from './resumed-run-handle.js';
import type { TrainCheckpoint } from '@kdlab/core';
import { jsonSafeRole } from './worker-protocol.js';
import type { ResolvedPretrain } from '@kdlab/core';
import { describePretrain, pretrainTeacher } from './pretrain-teacher.js';

/** What every run of a runner shares. */
export interface RunnerOptions {
  /** The plugins. */
  registries: PluginRegistries;
  /** Where runs are logged. */
  tracker: Tracker;
  /** The backend in use (logged as a tag, and part of the cache keys). */
  backend: BackendInfo;
  /** Tags set on every run (standard MLflow source tags, ...). */
  baseTags?: Record<string, string>;
  /** Receives progress. */
  reporter?: RunReporter;
  /** Aborts training (Ctrl-C): the current run ends KILLED. */
  signal?: AbortSignal;
  /** Also store each trained model under its run's artifacts (`model/`). Default true. */
  saveModels?: boolean;
  /**
   * The disk cache of trained teachers and baselines; without one, they are shared within this process
   * only. Entries are keyed by the tracking store too, so a cached teacher's run is always in the store
   * the distilled runs point to. A cache with a remote tier (`new TrainedModelCache(root, { remote })`)
   * shares them with other machines as well; see {@link RunnerOptions.portableCacheKeys}.
   */
  cache?: TrainedModelCache;
  /**
   * Key teachers by a SHA-256 digest of their data's contents (train, validation and test inputs and
   * labels) instead of the path the data was read from (`Dataset.source`), so that machines holding
   * the same data in different folders compute the same keys and share teachers through the cache's
   * remote tier. Default false: keys stay as they were, and so do existing caches and study stores.
   */
  portableCacheKeys?: boolean;
  /**
   * Where each training writes its checkpoint at every epoch end; a training whose checkpoint is
   * there (its process died) continues from it, in its own run. Without it, no checkpoint is written.
   */
  checkpoints?: CheckpointStore;
  /** Keep a training's checkpoint after its run finished (`--keep-checkpoints`). Default false. */
  keepCheckpoints?: boolean;
  /** Continue trainings from their checkpoints (default true; `--no-resume` starts them afresh). */
  resume?: boolean;
  /** Data already loaded in this process (by the plan check), by `experimentDataKey`: used instead of loading them again. */
  loadedData?: ReadonlyMap<string, Promise<Dataset>>;
}

/** Which training a checkpoint belongs to: a kind (`teachers`, `baselines`, `distilled`) and a key. */
interface CheckpointId {
  kind: string;
  key: string;
}

/** A training reopened to continue from its checkpoint. */
interface ReopenedTraining {
  run: RunHandle;
  checkpoint: TrainCheckpoint;
}

/** A trained teacher (or ensemble) ready to distil from. */
export interface TeacherReady {
  /** The teacher's run, or the ensemble's. */
  result: RoleResult;
  /** The members' runs (the teacher alone for a single teacher). */
  members: RoleResult[];
  /** The single teacher's model (absent for an ensemble). */
  model?: Model;
  /** The teacher signal's logits on the training set. */
  trainLogits: Float32Array;
  /** For an ensemble, each member's logits on the training set. */
  memberTrainLogits: Float32Array[];
  /** The teacher signal's predictions on the test set. */
  testPredictions: Int32Array;
}

/** A trained teacher member with its logits on the training and test sets. */
interface TrainedMember {
  model: Model;
  result: RoleResult;
  trainLogits: Float32Array;
  testLogits: Float32Array;
}

const EVAL_BATCH = 512;

function argmaxRows(logits: Float32Array, numClasses: number): Int32Array {
  const count = logits.length / numClasses;
  const out = new Int32Array(count);
  for (let i = 0; i < count; i += 1) out[i] = argmaxRow(logits, i * numClasses, numClasses);
  return out;
}

/**
 * Trains the models of distillation trials and logs them, sharing what can be shared: the data of a
 * split, a teacher per distinct configuration / split / seed / backend (also across invocations,
 * through the disk cache), and a baseline per distinct student configuration / split / seed / budget.
 */
export class DistillationRunner {
  readonly #options: RunnerOptions;
  readonly #reporter: RunReporter;
  readonly #data = new Map<string, Promise<Dataset>>();
  readonly #studentData = new Map<string, Promise<StudentData>>();
  readonly #teachers = new Map<string, Promise<TrainedMember>>();
  readonly #ensembles = new Map<string, Promise<TeacherReady>>();
  readonly #baselines = new Map<string, Promise<RoleResult>>();
  readonly #models: Model[] = [];

  /** @param options - what every run shares. */
  constructor(options: RunnerOptions) {
    this.#options = options;
    this.#reporter = options.reporter ?? silentReporter;
  }

  /** Loads (once per data config and seed) the data of an experiment: the whole training split, which the teacher trains on. */
  data(experiment: ResolvedExperiment): Promise<Dataset> {
    const key = experimentDataKey(experiment);
    let data = this.#data.get(key);
    if (!data) {
      data = (this.#options.loadedData?.get(key) ?? loadExperimentData(this.#options.registries, experiment)).then((loaded) => {
        this.#reporter.note(`data: ${loaded.name} (${loaded.train.count} train / ${loaded.val.count} val / ${loaded.test.count} test) from ${loaded.source}`);
        // What reading it left (its files' bytes; here, the plan check's models too) goes now, not after the training.
        collectGarbage();
        return loaded;
      });
      this.#data.set(key, data);
    }
    return data;
  }

  /**
   * The students' data: the experiment's data with its training split narrowed to the transfer set
   * (`data.transfer`), and for each row kept its index in the whole training split (to gather the
   * teacher's cached logits); the whole data when there is no transfer set.
   */
  studentData(experiment: ResolvedExperiment): Promise<StudentData> {
    const transfer = experiment.data.transfer;
    const key = configHash({ data: experiment.data, seed: experiment.seed });
    let entry = this.#studentData.get(key);
    if (!entry) {
      entry = this.data(experiment).then((data) => {
        // The transfer set first: a class it names wrongly is the cause of any bias-shift problem.
        const narrowed = transfer === undefined ? { data } : applyTransferSet(data, transfer, experiment.seed);
        checkClassSettings(experiment, data.numClasses);
        if (transfer !== undefined) this.#reporter.note(`transfer set: ${narrowed.data.train.count} of ${data.train.count} training examples (${JSON.stringify(transfer)})`);
        return narrowed;
      });
      this.#studentData.set(key, entry);
    }
    return entry;
  }

  /** Runs one trial: its teacher(s) and baseline (trained, or reused) and its distilled student. */
  async runTrial(experiment: ResolvedExperiment, context: TrialContext): Promise<ExperimentResult> {
    const teacher = await this.teacher(experiment, context);
    const baseline = experiment.baseline ? await this.baseline(experiment, context, teacher.testPredictions) : undefined;
    const distilled = await this.distilled(experiment, context, teacher, baseline);
    return {
      invocation: context.invocation,
      experimentName: experiment.name,
      teacher: teacher.result,
      distilled,
      ...(teacher.members.length > 1 ? { members: teacher.members } : {}),
      ...(baseline ? { baseline } : {}),
    };
  }

  /** Frees every model the runner holds. */
  dispose(): void {
    for (const model of this.#models.splice(0)) model.dispose();
  }

  #build(data: Dataset, spec: ResolvedExperiment['student']['model'], seed: number): Model {
    const model = buildModel(this.#options.registries, spec, data, seed);
    this.#models.push(model);
    return model;
  }

  #hardLabels(): ResolvedLossTerm[] {
    const { losses } = this.#options.registries;
    if (!losses.has('ce')) {
      throw new Error('The teacher and the baseline train on hard labels with the "ce" loss plugin, which is not registered: load lossesModule from @kdlab/losses.');
    }
    return [{ kind: 'ce', weight: 1, ...(losses.get('ce').options.parse({}) as Record<string, unknown>) }];
  }

  #start(experiment: ResolvedExperiment, context: TrialContext, name: string, role: Role, model: Model | undefined, data: Dataset, extra?: Record<string, string>): StartRunOptions {
    return {
      experimentName: experiment.name,
      runName: name,
      ...(context.parentRunId ? { parentRunId: context.parentRunId } : {}),
      tags: {
        ...this.#options.baseTags,
        'kdlab.role': role,
        'kdlab.backend': this.#options.backend.description,
        'kdlab.invocation': context.invocation,
        'kdlab.config_hash': configHash(experiment),
        'kdlab.dataset': data.name,
        ...(model ? { 'kdlab.model': model.kind } : {}),
        ...(experiment.description ? { 'mlflow.note.content': experiment.description } : {}),
        ...context.tags,
        ...extra,
      },
    };
  }

  async #logSetup(run: RunHandle, experiment: ResolvedExperiment, context: TrialContext, role: Role, describe: string): Promise<void> {
    // A teacher trains on the whole training split, whatever the transfer set of the experiment that trained it first.
    const logged = role === 'teacher' || role === 'ensemble' ? { ...experiment, data: teacherData(experiment.data) } : experiment;
    await run.logParams({ ...flattenParams(logged), ...context.params, role, 'role.training': describe });
    await run.logArtifact('config.json', JSON.stringify(logged, null, 2));
  }

  /** Trains one model through its stages inside an MLflow run. */
  async #train(job: {
    experiment: ResolvedExperiment;
    context: TrialContext;
    data: Dataset;
    role: Role;
    name: string;
    model: Model;
    stages: readonly ResolvedStage[];
    settings: TrainSettings;
    batchSeed: number;
    stagePath: (stage: number) => string;
    teacher?: TeacherReady;
    /** For a transfer set: each training row's index in the whole training split (the teacher's cached logits are gathered by it). */
    trainIndices?: Int32Array;
    teacherTestPredictions?: TeacherPredictions;
    extraTags?: Record<string, string>;
    /** Which training it is, for its checkpoints. */
    checkpoint: CheckpointId;
    /** A teacher's masked-language-model pre-training, run first in the same run (skipped when resuming from a checkpoint, which holds the weights after it). */
    pretrain?: { settings: ResolvedPretrain; seed: number; path: string };
  }): Promise<RoleResult> {
    const { data, experiment } = job;
    const start = this.#start(experiment, job.context, job.name, job.role, job.model, data, job.extraTags);
    const reopened = await this.#reopen(job.name, job.checkpoint, start);
    const checkpoints = this.#options.checkpoints;
    const result = await withOpenRun(reopened?.run ?? (await this.#options.tracker.startRun(start)), async (run) => {
      const created = createStages(
        this.#options.registries,
        job.model,
        job.stages,
        job.settings,
        {
          numClasses: data.numClasses,
          studentFeatureShapes: job.model.featureShapes(),
          teacherFeatureShapes: job.teacher?.model?.featureShapes() ?? {},
          hasTeacher: job.teacher !== undefined,
          teacherCount: job.teacher ? job.teacher.members.length : 0,
          trainSize: data.train.count,
          seed: deriveSeed(job.role === 'teacher' ? experiment.seed : experiment.studentSeed, `${job.name}/losses`),
        },
        job.stagePath,
      );
      try {
        const stagesText = job.stages.map((stage) => `${stage.epochs} epochs: ${stage.losses.map((t) => `${JSON.stringify(t.weight)}*${t.kind}`).join(' + ')}${stage.prune ? `, pruned (${JSON.stringify(stage.prune)})` : ''}`).join('; ');
        const describe = job.pretrain ? `${describePretrain(job.pretrain.settings)}; then ${stagesText}` : stagesText;
        await this.#logSetup(run, experiment, job.context, job.role, describe);
        let teacher: TeacherSignal | undefined;
        if (job.teacher) {
          const why = liveTeacherReason(created.needs, created.stages);
          if (why !== undefined) {
            if (!job.teacher.model) throw new FieldError('teacher.ensemble', `the teacher must run on every batch (${why}), which an ensemble cannot: use a single teacher.`);
            teacher = new LiveTeacher(job.teacher.model, created.needs.teacherFeatures);
          } else {
            const gather = (logits: Float32Array): Float32Array => (job.trainIndices ? gatherMatrixRows(logits, data.numClasses, job.trainIndices) : logits);
            teacher = new CachedTeacherLogits(gather(job.teacher.trainLogits), data.numClasses, job.teacher.memberTrainLogits.map(gather));
          }
          this.#reporter.note(`${job.name}: teacher signal = ${teacher.mode === 'live' ? 'live teacher forward per batch' : 'teacher logits cached once for the training set'}`);
          await run.setTags({ 'kdlab.teacher_signal': teacher.mode });
        }
        const paramCount = job.model.paramCount();
        const totalEpochs = created.stages.reduce((sum, stage) => sum + stage.settings.epochs, 0);
        this.#reporter.roleStarted(job.name, { runId: run.runId, params: paramCount, epochs: totalEpochs });
        const latencyMs = await measureLatencyMs(job.model);
        await run.logMetrics([
          { key: 'model/params', value: paramCount, step: 0 },
          { key: 'model/bytes', value: paramCount * 4, step: 0 },
          { key: 'model/latency_ms', value: latencyMs, step: 0 },
          ...(created.lossParamCount > 0 ? [{ key: 'model/loss_params', value: created.lossParamCount, step: 0 }] : []),
        ]);
        if (job.pretrain && !reopened) {
          await pretrainTeacher({
            model: job.model,
            data,
            pretrain: job.pretrain.settings,
            seed: job.pretrain.seed,
            path: job.pretrain.path,
            onMetrics: (points) => run.logMetrics(points),
            onNote: (line) => this.#reporter.note(`${job.name}: ${line}`),
            ...(this.#options.signal ? { signal: this.#options.signal } : {}),
          });
        }
        const training = await trainModel({
          model: job.model,
          stages: created.stages,
          data,
          seed: job.batchSeed,
          ...(teacher ? { teacher } : {}),
          ...(job.teacherTestPredictions ? { teacherTestPredictions: job.teacherTestPredictions } : {}),
          onMetrics: (points) => run.logMetrics(points),
          onProgress: (event) => this.#reporter.progress(job.name, event),
          ...(this.#options.signal ? { signal: this.#options.signal } : {}),
          // The store writes each value as it reads it: a checkpoint is out of the backend one tensor at a time.
          ...(checkpoints ? { checkpoint: (checkpoint: TrainCheckpoint) => checkpoints.save(job.checkpoint.kind, job.checkpoint.key, { runId: run.runId, checkpoint }), checkpointValues: 'on-access' as const } : {}),
          ...(reopened ? { resumeFrom: reopened.checkpoint } : {}),
        });
        await run.logMetrics(await this.#evaluate(experiment, data, job.model, job.role, training.epochs.length));
        await run.logMetrics(await this.#evaluateQuantized(experiment, data, job.model, job.name, run, training.epochs.length, training.size !== undefined));
        if (this.#options.saveModels !== false) await job.model.save(artifactSaveHandler(run, 'model'));
        const result: RoleResult = { role: job.role, name: job.name, runId: run.runId, kind: job.model.kind, params: paramCount, bytes: paramCount * 4, latencyMs, training };
        this.#reporter.roleFinished(result);
        return result;
      } finally {
        created.dispose();
      }
    });
    // The run is FINISHED: its checkpoint has served.
    if (checkpoints && !this.#options.keepCheckpoints) await checkpoints.remove(job.checkpoint.kind, job.checkpoint.key);
    return result;
  }

  /**
   * Reopens the run of a training whose checkpoint is stored (its process died, or was stopped), to
   * continue it: RUNNING again, with this invocation's tags, dropping the metric steps it has. Undefined
   * when there is nothing to resume, or when the run cannot be reopened (the training then starts
   * afresh, in a new run, and says why).
   */
  async #reopen(name: string, id: CheckpointId, start: StartRunOptions): Promise<ReopenedTraining | undefined> {
    const store = this.#options.checkpoints;
    if (!store || this.#options.resume === false) return undefined;
    const saved = await store.load(id.kind, id.key);
    if (!saved) return undefined;
    const tracker = this.#options.tracker;
    try {
      if (!tracker.resumeRun) throw new Error(`${tracker.description} cannot reopen a run`);
      const reopened = await tracker.resumeRun(saved.runId);
      const run = droppingLoggedSteps(reopened.handle, reopened.lastSteps);
      await run.setTags({
        ...start.tags,
        ...(start.parentRunId ? { 'mlflow.parentRunId': start.parentRunId } : {}),
        'kdlab.resumed_after_epoch': String(saved.checkpoint.epoch),
      });
      this.#reporter.note(`${name}: resuming run ${saved.runId} from its checkpoint after epoch ${saved.checkpoint.epoch}`);
      return { run, checkpoint: saved.checkpoint };
    } catch (error) {
      this.#reporter.note(`${name}: the checkpoint of run ${saved.runId} cannot be resumed (${(error as Error).message}): training afresh`);
      await store.remove(id.kind, id.key);
      return undefined;
    }
  }

  /**
   * Test errors in all and per class (`test/errors`, `test/errors_class_<c>`), and for the students of
   * an experiment with `evaluate.biasShift`, the shift chosen on validation and the test errors with it
   * (`bias_shift/value`, `val/shifted/accuracy`, `test/shifted/...`). All with the last epoch's weights.
   */
  async #evaluate(experiment: ResolvedExperiment, data: Dataset, model: Model, role: Role, step: number): Promise<MetricPoint[]> {
    const now = Date.now();
    const point = (key: string, value: number): MetricPoint => ({ key, value, step, timestamp: now });
    const errorPoints = (prefix: string, counts: { errors: number; byClass: number[] }): MetricPoint[] => [
      point(`${prefix}/errors`, counts.errors),
      ...counts.byClass.map((errors, c) => point(`${prefix}/errors_class_${c}`, errors)),
    ];
    const testLogits = await predictLogits(model, data.test, EVAL_BATCH);
    const points = errorPoints('test', countErrors(testLogits, data.test.y, data.numClasses));
    const settings = experiment.evaluate?.biasShift;
    if (settings && role !== 'teacher') {
      const classes = settings.classes ?? omittedClasses(experiment.data.transfer, data.numClasses);
      const valLogits = await predictLogits(model, data.val, EVAL_BATCH);
      const chosen = chooseBiasShift(valLogits, data.val.y, data.numClasses, classes, settings);
      const shifted = shiftLogits(testLogits, data.numClasses, classes, chosen.shift);
      const counts = countErrors(shifted, data.test.y, data.numClasses);
      points.push(
        point('bias_shift/value', chosen.shift),
        point('val/shifted/accuracy', chosen.valAccuracy),
        point('val/unshifted/accuracy', chosen.valAccuracyUnshifted),
        point('test/shifted/accuracy', 1 - counts.errors / data.test.count),
        ...errorPoints('test/shifted', counts),
      );
      this.#reporter.note(`${role}: bias shift of class ${classes.join(', ')} chosen on validation: +${chosen.shift} (val accuracy ${chosen.valAccuracyUnshifted.toFixed(4)} -> ${chosen.valAccuracy.toFixed(4)}); test errors ${counts.errors}`);
    }
    return points;
  }

  /**
   * With `evaluate.quantize`: the model saved quantized to each storage type (stored in the run's
   * artifacts as `model-<dtype>/` unless models are not saved), measured on disk and on the test split
   * after loading it back (`model/bytes_on_disk`, `quantized/<dtype>/bytes`, `quantized/<dtype>/test/...`;
   * a pruned model's also `quantized/<dtype>/sparse_bytes`).
   */
  async #evaluateQuantized(experiment: ResolvedExperiment, data: Dataset, model: Model, name: string, run: RunHandle, step: number, pruned: boolean): Promise<MetricPoint[]> {
    const dtypes = experiment.evaluate?.quantize;
    if (dtypes === undefined || dtypes.length === 0) return [];
    const measured = await measureQuantized({ model, data, dtypes, pruned, ...(this.#options.saveModels !== false ? { run } : {}) });
    const sizes = measured.quantized.map((q) => `${q.dtype} ${q.bytes} bytes (${(measured.floatBytes / q.bytes).toFixed(2)}x smaller${q.sparseBytes !== undefined ? `; ${q.sparseBytes} stored sparse` : ''}), test accuracy ${q.accuracy.toFixed(4)}`);
    this.#reporter.note(`${name}: float32 save ${measured.floatBytes} bytes; quantized: ${sizes.join('; ')}`);
    return quantizedMetricPoints(measured, step);
  }

  /** One teacher member: trained, or taken from the process's or the disk's cache. */
  #memberSeed(experiment: ResolvedExperiment, member: ResolvedTeacherMember, index: number, count: number): number {
    return member.seed ?? (count > 1 ? deriveSeed(experiment.seed, `teacher-${index + 1}`) : experiment.seed);
  }

  /**
   * The cache keys of an experiment's teacher members (one for a single teacher), in order: what its
   * teachers are stored under in the trained-model cache, given the experiment's loaded data
   * ({@link DistillationRunner.data}). With {@link RunnerOptions.portableCacheKeys}, they depend on the
   * data's contents rather than on where it was read from.
   */
  teacherCacheKeys(experiment: ResolvedExperiment, data: Dataset): string[] {
    const specs = teacherMembers(experiment);
    return specs.map((spec, i) => this.#memberKey(experiment, data, spec, i, specs.length));
  }

  /** The cache key of one teacher member: everything its training depends on. */
  #memberKey(experiment: ResolvedExperiment, data: Dataset, member: ResolvedTeacherMember, index: number, count: number): string {
    const seed = this.#memberSeed(experiment, member, index, count);
    // Where the data came from, or (portable keys) what it holds: a path differs from machine to machine.
    const origin = this.#options.portableCacheKeys === true ? { dataDigest: datasetDigest(data) } : { source: data.source };
    // `pretrain` only when there is one: the keys of teachers trained without stay as they were.
    return TrainedModelCache.key({ member: { model: member.model, train: member.train, ...(member.pretrain ? { pretrain: member.pretrain } : {}) }, seed, data: teacherData(experiment.data), dataSeed: experiment.seed, ...origin, backend: this.#options.backend.name, store: this.#options.tracker.description });
  }

  #member(experiment: ResolvedExperiment, context: TrialContext, data: Dataset, member: ResolvedTeacherMember, index: number, count: number): Promise<TrainedMember> {
    const seed = this.#memberSeed(experiment, member, index, count);
    const key = this.#memberKey(experiment, data, member, index, count);
    let entry = this.#teachers.get(key);
    if (!entry) {
      entry = (async () => {
        const name = count > 1 ? `teacher-${index + 1}` : 'teacher';
        const model = this.#build(data, member.model, deriveSeed(seed, 'teacher/init'));
        const cached = await this.#options.cache?.load<RoleResult>('teachers', key);
        if (cached) {
          // A teacher cached by a process killed before it removed its checkpoint: the checkpoint has served.
          await this.#options.checkpoints?.remove('teachers', key);
          restoreWeights(model, cached.weights);
          this.#reporter.note(`${name}: reusing the teacher of run ${cached.summary.runId} (cache ${key})`);
          return { model, result: { ...cached.summary, name }, trainLogits: cached.arrays['trainLogits']!, testLogits: cached.arrays['testLogits']! };
        }
        const cache = this.#options.cache;
        await cache?.clearFailed('teachers', key);
        try {
          const result = await this.#train({
            experiment,
            context,
            data,
            role: 'teacher',
            name,
            model,
            stages: [{ name: 'train', epochs: member.train.epochs, losses: this.#hardLabels() }],
            settings: member.train,
            batchSeed: deriveSeed(seed, 'teacher/batches'),
            stagePath: () => 'teacher',
            checkpoint: { kind: 'teachers', key },
            extraTags: { 'kdlab.cache_key': key, ...(count > 1 ? { 'kdlab.teacher_index': String(index + 1) } : {}) },
            ...(member.pretrain ? { pretrain: { settings: member.pretrain, seed: deriveSeed(seed, 'teacher/pretrain'), path: count > 1 ? `teacher.ensemble.${index}` : 'teacher' } } : {}),
          });
          const trainLogits = await predictLogits(model, data.train, EVAL_BATCH);
          const testLogits = await predictLogits(model, data.test, EVAL_BATCH);
          await cache?.save('teachers', key, model, jsonSafeRole(result), { trainLogits, testLogits });
          return { model, result, trainLogits, testLogits };
        } catch (error) {
          // Workers waiting for this teacher (baselines started alongside it) stop with its error.
          await cache?.markFailed('teachers', key, { invocation: context.invocation, message: (error as Error).message }).catch(() => undefined);
          throw error;
        }
      })();
      this.#teachers.set(key, entry);
      entry.catch(() => this.#teachers.delete(key));
    }
    return entry;
  }

  /**
   * The test-set predictions of a trial's teacher (or ensemble) that another worker is training:
   * waits, through the disk cache, until every member is stored, without training any and without
   * creating runs. For a baseline started alongside its teacher, which needs them only for its
   * `test/agreement` metric.
   * @throws Error when there is no disk cache, or with the teacher's error when its training failed.
   */
  async teacherTestPredictionsWhenTrained(experiment: ResolvedExperiment, context: TrialContext): Promise<Int32Array> {
    const cache = this.#options.cache;
    if (!cache) throw new Error('Waiting for a teacher trained by another worker needs the trained-model cache (do not combine --no-cache with it).');
    const data = await this.data(experiment);
    const specs = teacherMembers(experiment);
    const combine = 'ensemble' in experiment.teacher ? experiment.teacher.combine : 'mean-logits';
    const testLogits: Float32Array[] = [];
    for (const [i, spec] of specs.entries()) {
      const key = this.#memberKey(experiment, data, spec, i, specs.length);
      const own = this.#teachers.get(key);
      if (own) {
        testLogits.push((await own).testLogits);
        continue;
      }
      const signal = this.#options.signal;
      try {
        await cache.waitFor('teachers', key, { invocation: context.invocation, ...(signal ? { signal } : {}) });
      } catch (error) {
        if (signal?.aborted) throw new TrainingAbortedError();
        throw error;
      }
      const cached = await cache.load<RoleResult>('teachers', key);
      if (!cached?.arrays['testLogits']) throw new Error(`The cached teacher ${key} in ${cache.root} has no test logits.`);
      testLogits.push(cached.arrays['testLogits']);
    }
    return argmaxRows(combineMemberLogits(testLogits, data.numClasses, combine), data.numClasses);
  }

  /** The teacher signal of a trial: its single teacher, or its ensemble's combined logits (with the ensemble's own run). */
  teacher(experiment: ResolvedExperiment, context: TrialContext): Promise<TeacherReady> {
    const specs = teacherMembers(experiment);
    const combine = 'ensemble' in experiment.teacher ? experiment.teacher.combine : 'mean-logits';
    const key = configHash({ specs, combine, data: teacherData(experiment.data), seed: experiment.seed });
    let ready = this.#ensembles.get(key);
    if (!ready) {
      ready = (async () => {
        // The students' data are checked (and narrowed) before the teacher trains: a wrong class fails now, not after it.
        await this.studentData(experiment);
        const data = await this.data(experiment);
        const members: TrainedMember[] = [];
        for (const [i, spec] of specs.entries()) members.push(await this.#member(experiment, context, data, spec, i, specs.length));
        const trainLogits = combineMemberLogits(members.map((m) => m.trainLogits), data.numClasses, combine);
        const testLogits = combineMemberLogits(members.map((m) => m.testLogits), data.numClasses, combine);
        const testPredictions = argmaxRows(testLogits, data.numClasses);
        if (members.length === 1) return { result: members[0]!.result, members: [members[0]!.result], model: members[0]!.model, trainLogits, memberTrainLogits: [], testPredictions };
        const memberResults = members.map((m) => m.result);
        const result = await this.#ensembleRun(experiment, context, data, memberResults, testLogits, combine);
        return { result, members: memberResults, trainLogits, memberTrainLogits: members.map((m) => m.trainLogits), testPredictions };
      })();
      this.#ensembles.set(key, ready);
      ready.catch(() => this.#ensembles.delete(key));
    }
    return ready;
  }

  async #ensembleRun(experiment: ResolvedExperiment, context: TrialContext, data: Dataset, members: RoleResult[], testLogits: Float32Array, combine: unknown): Promise<RoleResult> {
    return withTrackedRun(this.#options.tracker, this.#start(experiment, context, 'ensemble', 'ensemble', undefined, data, { 'kdlab.ensemble_combine': JSON.stringify(combine), 'kdlab.member_run_ids': members.map((m) => m.runId).join(',') }), async (run) => {
      await this.#logSetup(run, experiment, context, 'ensemble', `combination (${JSON.stringify(combine)}) of ${members.length} trained teachers; no training of its own`);
      const test = classificationMetrics(testLogits, data.test.y, data.numClasses);
      const params = members.reduce((sum, r) => sum + r.params, 0);
      const latencyMs = members.reduce((sum, r) => sum + r.latencyMs, 0);
      const now = Date.now();
      const points: MetricPoint[] = [
        { key: 'model/params', value: params, step: 0, timestamp: now },
        { key: 'model/bytes', value: params * 4, step: 0, timestamp: now },
        { key: 'model/latency_ms', value: latencyMs, step: 0, timestamp: now },
        { key: 'test/accuracy', value: test.accuracy, step: 0, timestamp: now },
        { key: 'test/nll', value: test.nll, step: 0, timestamp: now },
        { key: 'test/ece', value: test.ece, step: 0, timestamp: now },
      ];
      await run.logMetrics(points);
      const training: TrainResult = { epochs: [], bestEpoch: 0, bestValAccuracy: Number.NaN, testLast: test, testBest: test, seconds: 0 };
      const result: RoleResult = { role: 'ensemble', name: 'ensemble', runId: run.runId, kind: 'ensemble', params, bytes: params * 4, latencyMs, training };
      this.#reporter.roleFinished(result);
      return result;
    });
  }

  /**
   * The baseline of a trial: the student on hard labels, trained once per student config, split, seed
   * and budget. When the distilled student's stages prune, the baseline is pruned the same way: it
   * follows those stages (their epochs, optimizers and prunings) with `ce` alone.
   */
  baseline(experiment: ResolvedExperiment, context: TrialContext, teacherTestPredictions: TeacherPredictions): Promise<RoleResult> {
    const totalEpochs = studentStages(experiment).reduce((sum, stage) => sum + stage.epochs, 0);
    const pruned = prunedBaselineStages(experiment);
    const dependsOn = { student: experiment.student.model, train: experiment.train, totalEpochs, data: experiment.data, seed: experiment.seed, studentSeed: experiment.studentSeed, backend: this.#options.backend.name, store: this.#options.tracker.description, ...(pruned ? { pruned } : {}) };
    const key = TrainedModelCache.key(dependsOn);
    let result = this.#baselines.get(key);
    if (!result) {
      result = (async () => {
        const { data } = await this.studentData(experiment);
        const cached = await this.#options.cache?.load<RoleResult>('baselines', key);
        if (cached) {
          this.#reporter.note(`baseline: reusing run ${cached.summary.runId} (cache ${key})`);
          return cached.summary;
        }
        const model = buildModel(this.#options.registries, experiment.student.model, data, deriveSeed(experiment.studentSeed, 'student/init'));
        try {
        const trained = await this.#train({
          experiment,
          context,
          data,
          role: 'baseline',
          name: 'baseline',
          model,
          stages: pruned ? pruned.map((stage) => ({ ...stage, losses: this.#hardLabels() })) : [{ name: 'train', epochs: totalEpochs, losses: this.#hardLabels() }],
          settings: experiment.train,
          batchSeed: deriveSeed(experiment.studentSeed, 'student/batches'),
          stagePath: () => 'baseline',
          checkpoint: { kind: 'baselines', key },
          teacherTestPredictions,
          extraTags: { 'kdlab.cache_key': key },
        });
        // Only the summary of a baseline is ever reused: its weights are not cached.
        await this.#options.cache?.save('baselines', key, undefined, jsonSafeRole(trained));
        return trained;
        } finally {
          model.dispose();
        }
      })();
      this.#baselines.set(key, result);
      result.catch(() => this.#baselines.delete(key));
    }
    return result;
  }

  /** The distilled student of a trial (never shared: it is what a trial measures). */
  async distilled(experiment: ResolvedExperiment, context: TrialContext, teacher: TeacherReady, baseline: RoleResult | undefined): Promise<RoleResult> {
    const { data, indices } = await this.studentData(experiment);
    const student = buildModel(this.#options.registries, experiment.student.model, data, deriveSeed(experiment.studentSeed, 'student/init'));
    try {
      if (experiment.student.init) {
        initializeStudent(experiment, student, teacher.model);
        this.#reporter.note(`distilled: initialised from the teacher (${experiment.student.init.fromTeacher})`);
      }
      return await this.#train({
        experiment,
        context,
        data,
        role: 'distilled',
        name: 'distilled',
        model: student,
        stages: studentStages(experiment),
        settings: experiment.train,
        batchSeed: deriveSeed(experiment.studentSeed, 'student/batches'),
        stagePath: (i) => (experiment.stages ? `stages.${i}.losses` : 'losses'),
        checkpoint: { kind: 'distilled', key: TrainedModelCache.key({ role: 'distilled', experiment, backend: this.#options.backend.name, store: this.#options.tracker.description }) },
        teacher,
        ...(indices ? { trainIndices: indices } : {}),
        teacherTestPredictions: teacher.testPredictions,
        extraTags: {
          'kdlab.teacher_run_id': teacher.result.runId,
          ...(baseline ? { 'kdlab.baseline_run_id': baseline.runId } : {}),
        },
      });
    } finally {
      student.dispose();
    }
  }
}

/**
 * The stages of a pruned baseline, without their losses: for an experiment whose stages prune, each
 * stage's name, epochs, optimizer and pruning (the student's layers all train); undefined otherwise.
 */
function prunedBaselineStages(experiment: ResolvedExperiment): Omit<ResolvedStage, 'losses'>[] | undefined {
  const stages = studentStages(experiment);
  if (!stages.some((stage) => stage.prune)) return undefined;
  return stages.map(({ losses: _losses, trainable: _trainable, ...stage }) => stage);
}

/** Combines the members' logits as the experiment says (a single teacher's are used as they are). */
function combineMemberLogits(logits: Float32Array[], numClasses: number, combine: Parameters<typeof combineTeacherLogits>[2]): Float32Array {
  return logits.length === 1 ? logits[0]! : combineTeacherLogits(logits, numClasses, combine);
}

/** The students' data and, for a transfer set, each training row's index in the whole training split. */
export interface StudentData {
  /** The data the students train on. */
  readonly data: Dataset;
  /** With a transfer set: for each training row, its index in the whole training split. */
  readonly indices?: Int32Array;
}

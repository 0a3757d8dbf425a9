import { randomUUID } from 'node:crypto';
import type { PluginRegistries } from '../container/create-container.js';
import type { Dataset } from '../data/dataset.js';
import type { BackendInfo } from '../engine/backend/select-backend.js';
import { argmaxRow, classificationMetrics } from '../engine/classification-metrics.js';
import { combineTeacherLogits } from '../engine/combine-teacher-logits.js';
import { deriveSeed } from '../engine/derive-seed.js';
import { measureLatencyMs } from '../engine/measure-latency.js';
import { predictLogits } from '../engine/predict-logits.js';
import { CachedTeacherLogits, LiveTeacher, type TeacherSignal } from '../engine/teacher-signal.js';
import { trainModel, type TrainResult } from '../engine/train-model.js';
import type { TrainSettings } from '../engine/train-settings.js';
import {
  studentStages,
  teacherMembers,
  type ResolvedExperiment,
  type ResolvedLossTerm,
  type ResolvedModelSpec,
  type ResolvedStage,
} from '../experiment/resolve-experiment.js';
import type { Model } from '../model/model.js';
import type { MetricPoint, RunHandle, Tracker } from '../tracking/tracker.js';
import { artifactSaveHandler } from './artifact-save-handler.js';
import { buildModel } from './build-model.js';
import { configHash } from './config-hash.js';
import { createStages } from './create-stages.js';
import { flattenParams } from './flatten-params.js';
import { silentReporter, type Role, type RoleResult, type RunReporter } from './run-reporter.js';
import { withTrackedRun } from './tracked-run.js';

/** Everything {@link runExperiment} needs. */
export interface RunExperimentOptions {
  /** The validated experiment. */
  experiment: ResolvedExperiment;
  /** The plugins it uses. */
  registries: PluginRegistries;
  /** Where runs are logged. */
  tracker: Tracker;
  /** The backend in use (logged as a tag). */
  backend: BackendInfo;
  /** Tags set on every run (standard MLflow source tags, ...). */
  baseTags?: Record<string, string>;
  /** Receives progress. */
  reporter?: RunReporter;
  /** Aborts training (Ctrl-C): the current run ends KILLED. */
  signal?: AbortSignal;
  /** Also store each trained model under its run's artifacts (`model/`). Default true. */
  saveModels?: boolean;
}

/** The outcome of one experiment: its runs. */
export interface ExperimentResult {
  /** The id shared by this invocation's runs (tag `kdlab.invocation`). */
  invocation: string;
  /** The MLflow experiment name. */
  experimentName: string;
  /** The teacher's run, or the ensemble's (its test metrics, computed from the members). */
  teacher: RoleResult;
  /** The members' runs, for an ensemble. */
  members?: RoleResult[];
  /** The baseline student's run, when `baseline` is on. */
  baseline?: RoleResult;
  /** The distilled student's run. */
  distilled: RoleResult;
}

const EVAL_BATCH = 512;

function hardLabelTerms(registries: PluginRegistries): ResolvedLossTerm[] {
  if (!registries.losses.has('ce')) {
    throw new Error('The teacher and the baseline train on hard labels with the "ce" loss plugin, which is not registered: load lossesModule from @kdlab/losses.');
  }
  const options = registries.losses.get('ce').options.parse({}) as Record<string, unknown>;
  return [{ kind: 'ce', weight: 1, ...options }];
}

function argmaxRows(logits: Float32Array, numClasses: number): Int32Array {
  const count = logits.length / numClasses;
  const out = new Int32Array(count);
  for (let i = 0; i < count; i += 1) out[i] = argmaxRow(logits, i * numClasses, numClasses);
  return out;
}

/** One run to train: a model, its stages, and where its teacher signal comes from. */
interface RoleJob {
  role: Role;
  name: string;
  model: Model;
  stages: readonly ResolvedStage[];
  settings: TrainSettings;
  batchSeed: number;
  stagePath: (stage: number) => string;
  teacher?: { model?: Model; logits?: () => Promise<Float32Array>; featureShapes: Record<string, number[]> };
  teacherTestPredictions?: Int32Array;
  extraTags?: Record<string, string>;
}

/**
 * Runs a distillation experiment end to end: trains the teacher (or each member of an ensemble) on
 * hard labels; then the baseline student (the same student, same initial weights, same batch order
 * and total epochs, hard labels only, nothing from the teacher); then the distilled student through
 * its stages with the frozen teacher. Each training is an MLflow run with the flattened config as
 * params, per-epoch metrics, and the config and model as artifacts; an ensemble also gets a run of its
 * own with its test metrics. The runs share the tag `kdlab.invocation`.
 */
export async function runExperiment(options: RunExperimentOptions): Promise<ExperimentResult> {
  const { experiment, registries, tracker, backend } = options;
  const reporter = options.reporter ?? silentReporter;
  const invocation = randomUUID().replace(/-/g, '');
  const hash = configHash(experiment);
  const data: Dataset = await registries.datasets.get(experiment.data.dataset).load({
    split: experiment.data.split,
    seed: experiment.seed,
    ...(experiment.data.limitTrain !== undefined ? { limitTrain: experiment.data.limitTrain } : {}),
  });
  reporter.note(`data: ${data.name} (${data.train.count} train / ${data.val.count} val / ${data.test.count} test) from ${data.source}`);
  const params = flattenParams(experiment);
  const tagsFor = (role: Role, model: Model | undefined): Record<string, string> => ({
    ...options.baseTags,
    'kdlab.role': role,
    'kdlab.backend': backend.description,
    'kdlab.invocation': invocation,
    'kdlab.config_hash': hash,
    'kdlab.dataset': data.name,
    ...(model ? { 'kdlab.model': model.kind } : {}),
    ...(experiment.description ? { 'mlflow.note.content': experiment.description } : {}),
  });
  const startOptions = (name: string, role: Role, model: Model | undefined, extra?: Record<string, string>) => ({
    experimentName: experiment.name,
    runName: name,
    tags: { ...tagsFor(role, model), ...extra },
  });
  const logSetup = async (run: RunHandle, role: Role, describe: string): Promise<void> => {
    await run.logParams({ ...params, role, 'role.training': describe });
    await run.logArtifact('config.json', JSON.stringify(experiment, null, 2));
  };

  const train = (job: RoleJob): Promise<RoleResult> =>
    withTrackedRun(tracker, startOptions(job.name, job.role, job.model, job.extraTags), async (run) => {
      const created = createStages(registries, job.model, job.stages, job.settings, {
        numClasses: data.numClasses,
        studentFeatureShapes: job.model.featureShapes(),
        teacherFeatureShapes: job.teacher?.featureShapes ?? {},
        hasTeacher: job.teacher !== undefined,
        trainSize: data.train.count,
        seed: deriveSeed(experiment.seed, `${job.name}/losses`),
      }, job.stagePath);
      try {
        const describe = job.stages.map((stage) => `${stage.epochs} epochs: ${stage.losses.map((t) => `${JSON.stringify(t.weight)}*${t.kind}`).join(' + ')}`).join('; ');
        await logSetup(run, job.role, describe);
        let teacher: TeacherSignal | undefined;
        if (job.teacher) {
          if (created.needs.teacherFeatures.length > 0) {
            if (!job.teacher.model) throw new Error(`A loss reads teacher features (${created.needs.teacherFeatures.join(', ')}), which an ensemble does not have: use a single teacher.`);
            teacher = new LiveTeacher(job.teacher.model, created.needs.teacherFeatures);
          } else {
            teacher = new CachedTeacherLogits(await job.teacher.logits!(), data.numClasses);
          }
          reporter.note(`${job.name}: teacher signal = ${teacher.mode === 'live' ? 'live teacher forward per batch' : 'teacher logits cached once for the training set'}`);
          await run.setTags({ 'kdlab.teacher_signal': teacher.mode });
        }
        const paramCount = job.model.paramCount();
        const totalEpochs = created.stages.reduce((sum, stage) => sum + stage.settings.epochs, 0);
        reporter.roleStarted(job.name, { runId: run.runId, params: paramCount, epochs: totalEpochs });
        const latencyMs = await measureLatencyMs(job.model);
        await run.logMetrics([
          { key: 'model/params', value: paramCount, step: 0 },
          { key: 'model/bytes', value: paramCount * 4, step: 0 },
          { key: 'model/latency_ms', value: latencyMs, step: 0 },
          ...(created.lossParamCount > 0 ? [{ key: 'model/loss_params', value: created.lossParamCount, step: 0 }] : []),
        ]);
        const training = await trainModel({
          model: job.model,
          stages: created.stages,
          data,
          seed: job.batchSeed,
          ...(teacher ? { teacher } : {}),
          ...(job.teacherTestPredictions ? { teacherTestPredictions: job.teacherTestPredictions } : {}),
          onMetrics: (points) => run.logMetrics(points),
          onProgress: (event) => reporter.progress(job.name, event),
          ...(options.signal ? { signal: options.signal } : {}),
        });
        if (options.saveModels !== false) await job.model.save(artifactSaveHandler(run, 'model'));
        const result: RoleResult = { role: job.role, name: job.name, runId: run.runId, kind: job.model.kind, params: paramCount, bytes: paramCount * 4, latencyMs, training };
        reporter.roleFinished(result);
        return result;
      } finally {
        created.dispose();
      }
    });

  const models: Model[] = [];
  const build = (spec: ResolvedModelSpec, seed: number): Model => {
    const model = buildModel(registries, spec, data, seed);
    models.push(model);
    return model;
  };
  try {
    const hardLabels = hardLabelTerms(registries);
    const hardStage = (epochs: number): ResolvedStage[] => [{ name: 'train', epochs, losses: hardLabels }];

    // 1. The teacher, or each member of the ensemble.
    const members = teacherMembers(experiment);
    const isEnsemble = members.length > 1;
    const teacherResults: RoleResult[] = [];
    const teacherModels: Model[] = [];
    for (const [i, member] of members.entries()) {
      const name = isEnsemble ? `teacher-${i + 1}` : 'teacher';
      const seed = member.seed ?? (isEnsemble ? deriveSeed(experiment.seed, `teacher-${i + 1}`) : experiment.seed);
      const model = build(member.model, deriveSeed(seed, 'teacher/init'));
      teacherModels.push(model);
      teacherResults.push(
        await train({
          role: 'teacher',
          name,
          model,
          stages: hardStage(member.train.epochs),
          settings: member.train,
          batchSeed: deriveSeed(seed, 'teacher/batches'),
          stagePath: () => 'teacher',
          ...(isEnsemble ? { extraTags: { 'kdlab.teacher_index': String(i + 1) } } : {}),
        }),
      );
    }

    // 2. The teacher signal: the single teacher, or the members' combined logits.
    const combine = 'ensemble' in experiment.teacher ? experiment.teacher.combine : 'mean-logits';
    const teacherLogits = async (split: Dataset['train']): Promise<Float32Array> => {
      const logits = [];
      for (const model of teacherModels) logits.push(await predictLogits(model, split, EVAL_BATCH));
      return logits.length === 1 ? logits[0]! : combineTeacherLogits(logits, data.numClasses, combine);
    };
    const teacherTestLogits = await teacherLogits(data.test);
    const teacherTest = argmaxRows(teacherTestLogits, data.numClasses);
    let teacher = teacherResults[0]!;
    if (isEnsemble) {
      teacher = await withTrackedRun(tracker, startOptions('ensemble', 'ensemble', undefined, { 'kdlab.ensemble_combine': JSON.stringify(combine) }), async (run) => {
        await logSetup(run, 'ensemble', `combination (${JSON.stringify(combine)}) of ${members.length} trained teachers; no training of its own`);
        const test = classificationMetrics(teacherTestLogits, data.test.y, data.numClasses);
        const val = classificationMetrics(await teacherLogits(data.val), data.val.y, data.numClasses);
        const params = teacherResults.reduce((sum, r) => sum + r.params, 0);
        const latencyMs = teacherResults.reduce((sum, r) => sum + r.latencyMs, 0);
        const now = Date.now();
        const points: MetricPoint[] = [
          { key: 'model/params', value: params, step: 0, timestamp: now },
          { key: 'model/bytes', value: params * 4, step: 0, timestamp: now },
          { key: 'model/latency_ms', value: latencyMs, step: 0, timestamp: now },
          { key: 'val/accuracy', value: val.accuracy, step: 0, timestamp: now },
          { key: 'test/accuracy', value: test.accuracy, step: 0, timestamp: now },
          { key: 'test/nll', value: test.nll, step: 0, timestamp: now },
          { key: 'test/ece', value: test.ece, step: 0, timestamp: now },
        ];
        await run.logMetrics(points);
        const training: TrainResult = { epochs: [], bestEpoch: 0, bestValAccuracy: val.accuracy, testLast: test, testBest: test, seconds: 0 };
        const result: RoleResult = { role: 'ensemble', name: 'ensemble', runId: run.runId, kind: 'ensemble', params, bytes: params * 4, latencyMs, training };
        reporter.roleFinished(result);
        return result;
      });
    }
    const singleTeacher = isEnsemble ? undefined : teacherModels[0]!;
    const teacherInput = {
      ...(singleTeacher ? { model: singleTeacher } : {}),
      logits: () => teacherLogits(data.train),
      featureShapes: singleTeacher?.featureShapes() ?? {},
    };

    // 3. The baseline and the distilled student: same initial weights, same batch order, same epochs.
    const stages = studentStages(experiment);
    const totalEpochs = stages.reduce((sum, stage) => sum + stage.epochs, 0);
    const studentSeed = deriveSeed(experiment.seed, 'student/init');
    const studentOrder = deriveSeed(experiment.seed, 'student/batches');
    const baseline = experiment.baseline
      ? await train({
          role: 'baseline',
          name: 'baseline',
          model: build(experiment.student.model, studentSeed),
          stages: hardStage(totalEpochs),
          settings: experiment.train,
          batchSeed: studentOrder,
          stagePath: () => 'baseline',
          teacherTestPredictions: teacherTest,
        })
      : undefined;
    const student = build(experiment.student.model, studentSeed);
    if (experiment.student.init) {
      if (!student.initializeFrom) throw new Error(`student.init: the ${student.kind} family cannot be initialised from a teacher.`);
      student.initializeFrom(singleTeacher!, experiment.student.init.fromTeacher);
      reporter.note(`distilled: initialised from the teacher (${experiment.student.init.fromTeacher})`);
    }
    const distilled = await train({
      role: 'distilled',
      name: 'distilled',
      model: student,
      stages,
      settings: experiment.train,
      batchSeed: studentOrder,
      stagePath: (i) => (experiment.stages ? `stages.${i}.losses` : 'losses'),
      teacher: teacherInput,
      teacherTestPredictions: teacherTest,
    });
    return {
      invocation,
      experimentName: experiment.name,
      teacher,
      distilled,
      ...(isEnsemble ? { members: teacherResults } : {}),
      ...(baseline ? { baseline } : {}),
    };
  } finally {
    for (const model of models) model.dispose();
    await tracker.flush();
  }
}

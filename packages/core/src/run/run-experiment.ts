import { randomUUID } from 'node:crypto';
import type { PluginRegistries } from '../container/create-container.js';
import type { BackendInfo } from '../engine/backend/select-backend.js';
import { argmaxRow } from '../engine/classification-metrics.js';
import { deriveSeed } from '../engine/derive-seed.js';
import { measureLatencyMs } from '../engine/measure-latency.js';
import { predictLogits } from '../engine/predict-logits.js';
import { CachedTeacherLogits, LiveTeacher, type TeacherSignal } from '../engine/teacher-signal.js';
import { trainModel } from '../engine/train-model.js';
import type { TrainSettings } from '../engine/train-settings.js';
import type { ResolvedExperiment, ResolvedLossTerm, ResolvedModelSpec } from '../experiment/resolve-experiment.js';
import type { Model } from '../model/model.js';
import type { Tracker } from '../tracking/tracker.js';
import { artifactSaveHandler } from './artifact-save-handler.js';
import { buildModel } from './build-model.js';
import { configHash } from './config-hash.js';
import { createTerms } from './create-terms.js';
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

/** The outcome of one experiment: the three (or two) runs. */
export interface ExperimentResult {
  /** The id shared by this invocation's runs (tag `kdlab.invocation`). */
  invocation: string;
  /** The MLflow experiment name. */
  experimentName: string;
  /** The teacher's run. */
  teacher: RoleResult;
  /** The baseline student's run, when `baseline` is on. */
  baseline?: RoleResult;
  /** The distilled student's run. */
  distilled: RoleResult;
}

const HARD_LABEL_LOSS: ResolvedLossTerm = { kind: 'ce', weight: 1 };

function hardLabelTerms(registries: PluginRegistries): ResolvedLossTerm[] {
  if (!registries.losses.has('ce')) {
    throw new Error('The teacher and the baseline train on hard labels with the "ce" loss plugin, which is not registered: load lossesModule from @kdlab/losses.');
  }
  const { kind, weight, ...rest } = HARD_LABEL_LOSS;
  const options = registries.losses.get('ce').options.parse(rest) as Record<string, unknown>;
  return [{ kind, weight, ...options }];
}

function argmaxRows(logits: Float32Array, numClasses: number): Int32Array {
  const count = logits.length / numClasses;
  const out = new Int32Array(count);
  for (let i = 0; i < count; i += 1) out[i] = argmaxRow(logits, i * numClasses, numClasses);
  return out;
}

/**
 * Runs a distillation experiment end to end: trains the teacher on hard labels, then the baseline
 * student (the same student, same initial weights, same batch order and budget, hard labels only),
 * then the distilled student on the experiment's loss terms with the frozen teacher. Each is an MLflow
 * run with the flattened config as params, per-epoch metrics, and the config and model as artifacts;
 * the runs share the tag `kdlab.invocation`.
 */
export async function runExperiment(options: RunExperimentOptions): Promise<ExperimentResult> {
  const { experiment, registries, tracker, backend } = options;
  const reporter = options.reporter ?? silentReporter;
  const invocation = randomUUID().replace(/-/g, '');
  const hash = configHash(experiment);
  const data = await registries.datasets.get(experiment.data.dataset).load({
    split: experiment.data.split,
    seed: experiment.seed,
    ...(experiment.data.limitTrain !== undefined ? { limitTrain: experiment.data.limitTrain } : {}),
  });
  reporter.note(`data: ${data.name} (${data.train.count} train / ${data.val.count} val / ${data.test.count} test) from ${data.source}`);
  const params = flattenParams(experiment);
  const studentSeed = deriveSeed(experiment.seed, 'student/init');
  const studentOrder = deriveSeed(experiment.seed, 'student/batches');

  const trainRole = async (
    role: Role,
    model: Model,
    terms: readonly ResolvedLossTerm[],
    settings: TrainSettings,
    batchSeed: number,
    teacherModel?: Model,
    teacherTestPredictions?: Int32Array,
  ): Promise<RoleResult> =>
    withTrackedRun(
      tracker,
      {
        experimentName: experiment.name,
        runName: role,
        tags: {
          ...options.baseTags,
          'kdlab.role': role,
          'kdlab.backend': backend.description,
          'kdlab.invocation': invocation,
          'kdlab.config_hash': hash,
          'kdlab.dataset': data.name,
          'kdlab.model': model.kind,
          ...(experiment.description ? { 'mlflow.note.content': experiment.description } : {}),
        },
      },
      async (run) => {
        const created = createTerms(registries, terms, {
          numClasses: data.numClasses,
          studentFeatureShapes: model.featureShapes(),
          teacherFeatureShapes: teacherModel?.featureShapes() ?? {},
          hasTeacher: teacherModel !== undefined,
          trainSize: data.train.count,
          seed: deriveSeed(experiment.seed, `${role}/losses`),
        });
        let teacher: TeacherSignal | undefined;
        try {
          await run.logParams({ ...params, role, 'role.loss_terms': terms.map((t) => `${t.weight}*${t.kind}`).join(' + ') });
          await run.logArtifact('config.json', JSON.stringify(experiment, null, 2));
          if (teacherModel) {
            teacher = created.needs.teacherFeatures.length > 0
              ? new LiveTeacher(teacherModel, created.needs.teacherFeatures)
              : new CachedTeacherLogits(await predictLogits(teacherModel, data.train, 512), data.numClasses);
            reporter.note(`${role}: teacher signal = ${teacher.mode === 'live' ? 'live teacher forward per batch' : 'teacher logits cached once for the training set'}`);
            await run.setTags({ 'kdlab.teacher_signal': teacher.mode });
          }
          const paramCount = model.paramCount();
          const lossParams = created.terms.reduce((sum, term) => sum + term.loss.variables.reduce((s, v) => s + v.size, 0), 0);
          reporter.roleStarted(role, { runId: run.runId, params: paramCount, epochs: settings.epochs });
          const latencyMs = await measureLatencyMs(model);
          await run.logMetrics([
            { key: 'model/params', value: paramCount, step: 0 },
            { key: 'model/bytes', value: paramCount * 4, step: 0 },
            { key: 'model/latency_ms', value: latencyMs, step: 0 },
            ...(lossParams > 0 ? [{ key: 'model/loss_params', value: lossParams, step: 0 }] : []),
          ]);
          const training = await trainModel({
            model,
            terms: created.terms,
            data,
            settings,
            seed: batchSeed,
            ...(teacher ? { teacher } : {}),
            ...(teacherTestPredictions ? { teacherTestPredictions } : {}),
            onMetrics: (points) => run.logMetrics(points),
            onProgress: (event) => reporter.progress(role, event),
            ...(options.signal ? { signal: options.signal } : {}),
          });
          if (options.saveModels !== false) await model.save(artifactSaveHandler(run, 'model'));
          const result: RoleResult = { role, runId: run.runId, kind: model.kind, params: paramCount, bytes: paramCount * 4, latencyMs, training };
          reporter.roleFinished(result);
          return result;
        } finally {
          created.dispose();
        }
      },
    );

  const models: Model[] = [];
  const build = (spec: ResolvedModelSpec, seed: number): Model => {
    const model = buildModel(registries, spec, data, seed);
    models.push(model);
    return model;
  };
  try {
    const hardLabels = hardLabelTerms(registries);
    const teacherModel = build(experiment.teacher.model, deriveSeed(experiment.seed, 'teacher/init'));
    const teacher = await trainRole('teacher', teacherModel, hardLabels, experiment.teacher.train, deriveSeed(experiment.seed, 'teacher/batches'));
    const teacherTest = argmaxRows(await predictLogits(teacherModel, data.test, 512), data.numClasses);
    const baseline = experiment.baseline
      ? await trainRole('baseline', build(experiment.student.model, studentSeed), hardLabels, experiment.train, studentOrder, undefined, teacherTest)
      : undefined;
    const distilled = await trainRole('distilled', build(experiment.student.model, studentSeed), experiment.losses, experiment.train, studentOrder, teacherModel, teacherTest);
    return { invocation, experimentName: experiment.name, teacher, distilled, ...(baseline ? { baseline } : {}) };
  } finally {
    for (const model of models) model.dispose();
    await tracker.flush();
  }
}

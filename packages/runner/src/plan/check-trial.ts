import type { PluginRegistries } from '@kdlab/core';
import type { Dataset } from '@kdlab/core';
import { applyTransferSet } from '@kdlab/data';
import { FieldError } from '@kdlab/core';
import type { ExperimentIssue } from '@kdlab/core';
import { studentStages, teacherMembers, type ResolvedExperiment, type ResolvedStage } from '@kdlab/core';
import type { LossContext } from '@kdlab/core';
import type { Model } from '@kdlab/core';
import { checkClassSettings } from '../check-class-settings.js';
import { createStages } from '../create-stages.js';
import { initializeStudent } from '../initialize-student.js';
import { liveTeacherReason } from '../live-teacher-reason.js';
import { checkPretrain } from './check-pretrain.js';
import type { PlanProbe } from './plan-probe.js';

/** The issue an error stands for: its field when it names one, else the field given. */
function issueOf(error: unknown, field: string): ExperimentIssue {
  if (error instanceof FieldError) return { path: error.field, message: error.detail };
  return { path: field, message: (error as Error).message ?? String(error) };
}

/**
 * Creates (and frees at once) the stages of a training as the runner will: every loss term against
 * the models' taps and shapes (a FitNets regressor included), every `trainable.upTo` tap, every
 * stage's pruning against the student (its options, and something to prune). Returns the problem
 * found, with whether the student's teacher must run live.
 */
function checkStages(
  registries: PluginRegistries,
  model: Model,
  stages: readonly ResolvedStage[],
  experiment: ResolvedExperiment,
  context: LossContext,
  pathOf: (stage: number) => string,
): { issue?: ExperimentIssue; liveReason?: string } {
  try {
    const created = createStages(registries, model, stages, experiment.train, context, pathOf);
    try {
      const liveReason = liveTeacherReason(created.needs, created.stages);
      return liveReason === undefined ? {} : { liveReason };
    } finally {
      created.dispose();
    }
  } catch (error) {
    return { issue: issueOf(error, pathOf(0)) };
  }
}

/**
 * Everything that can be wrong with one trial short of training it, found without training: its data
 * files (loaded and split), its transfer set and bias-shift classes against the data, every model
 * built (teacher members and student, for their taps and shapes), every loss term created against
 * them for the teacher and the student (regressor shapes included), each stage's `trainable.upTo` and
 * pruning, the teacher signal an ensemble can give, `student.init` tried on real models, and a teacher's
 * `pretrain` against its data and model (one masked batch through the model and the head). Every problem found,
 * each with its field path; the checks that depend on a broken part are skipped.
 *
 * @param experiment - The trial's validated experiment.
 * @param registries - The plugins.
 * @param probe - Loads each data request and builds each architecture once, across trials.
 */
export async function checkTrial(experiment: ResolvedExperiment, registries: PluginRegistries, probe: PlanProbe): Promise<ExperimentIssue[]> {
  const issues: ExperimentIssue[] = [];
  let data: Dataset;
  try {
    data = await probe.data(experiment);
  } catch (error) {
    return [issueOf(error, 'data.dataset')];
  }

  // The students' data: the transfer set and the bias shift's classes, against the data.
  let studentTrainSize = data.train.count;
  try {
    if (experiment.data.transfer !== undefined) studentTrainSize = applyTransferSet(data, experiment.data.transfer, experiment.seed).data.train.count;
    checkClassSettings(experiment, data.numClasses);
  } catch (error) {
    issues.push(issueOf(error, 'data.transfer'));
  }

  // The teacher members, each trained on hard labels.
  const members = teacherMembers(experiment);
  const ensemble = 'ensemble' in experiment.teacher;
  const teacherModels: (Model | undefined)[] = members.map((member, i) => {
    const path = ensemble ? `teacher.ensemble.${i}` : 'teacher';
    const probed = probe.model(member.model, data);
    if ('error' in probed) {
      issues.push(issueOf(probed.error, `${path}.model`));
      return undefined;
    }
    if (!registries.losses.has('ce')) {
      issues.push({ path, message: 'the teacher trains on hard labels with the "ce" loss plugin, which is not registered: load lossesModule from @kdlab/losses.' });
    }
    if (member.pretrain) {
      try {
        checkPretrain(probed.model, data, member.pretrain, path);
      } catch (error) {
        issues.push(issueOf(error, `${path}.pretrain`));
      }
    }
    return probed.model;
  });

  // The student: its loss terms against its own taps and the teacher's.
  const probedStudent = probe.model(experiment.student.model, data);
  if ('error' in probedStudent) {
    issues.push(issueOf(probedStudent.error, 'student.model'));
    return dedupe(issues);
  }
  const student = probedStudent.model;
  const teacher = ensemble ? undefined : teacherModels[0];
  if (teacherModels.every((model) => model !== undefined)) {
    const context: LossContext = {
      numClasses: data.numClasses,
      studentFeatureShapes: student.featureShapes(),
      teacherFeatureShapes: teacher?.featureShapes() ?? {},
      hasTeacher: true,
      teacherCount: members.length,
      trainSize: studentTrainSize,
      seed: experiment.studentSeed,
    };
    const pathOf = (i: number): string => (experiment.stages ? `stages.${i}.losses` : 'losses');
    const featuresOfEnsemble = ensemble ? ensembleFeatureIssues(registries, studentStages(experiment), pathOf) : [];
    issues.push(...featuresOfEnsemble);
    const checked = featuresOfEnsemble.length > 0 ? {} : checkStages(registries, student, studentStages(experiment), experiment, context, pathOf);
    if (checked.issue) issues.push(checked.issue);
    if (checked.liveReason !== undefined && ensemble) {
      issues.push({ path: 'teacher.ensemble', message: `the teacher must run on every batch (${checked.liveReason}), which an ensemble cannot: use a single teacher.` });
    }
    if (experiment.student.init && teacher !== undefined) {
      try {
        initializeStudent(experiment, probe.freshModel(experiment.student.model, data), teacher);
      } catch (error) {
        issues.push(issueOf(error, 'student.init'));
      }
    } else if (experiment.student.init && ensemble) {
      try {
        initializeStudent(experiment, student, undefined);
      } catch (error) {
        issues.push(issueOf(error, 'student.init'));
      }
    }
  }
  return dedupe(issues);
}

/**
 * The loss terms that read a teacher's features when the teacher is an ensemble, which has none to
 * read (its members' outputs are combined logits): each named at its path.
 */
function ensembleFeatureIssues(registries: PluginRegistries, stages: readonly ResolvedStage[], pathOf: (stage: number) => string): ExperimentIssue[] {
  const issues: ExperimentIssue[] = [];
  stages.forEach((stage, i) =>
    stage.losses.forEach((term, j) => {
      const { kind, weight: _weight, ...options } = term;
      const taps = registries.losses.get(kind).needs(options).teacherFeatures;
      if (taps.length > 0) {
        issues.push({ path: `${pathOf(i)}.${j}`, message: `${kind} loss: it reads the teacher's tap${taps.length === 1 ? '' : 's'} ${taps.map((tap) => `"${tap}"`).join(', ')}, but the teacher is an ensemble, which gives combined logits only: use a single teacher.` });
      }
    }),
  );
  return issues;
}

function dedupe(issues: ExperimentIssue[]): ExperimentIssue[] {
  return issues.filter((issue, i) => issues.findIndex((other) => other.path === issue.path && other.message === issue.message) === i);
}

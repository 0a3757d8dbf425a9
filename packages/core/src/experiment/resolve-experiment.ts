import { z } from 'zod';
import type { PluginRegistries } from '../container/create-container.js';
import type { PluginRegistry, Identified } from '../container/plugin-registry.js';
import { trainSettingsSchema, type OptimizerSettings, type TrainSettings } from '../engine/train-settings.js';
import type { WeightSchedule } from '../engine/weight-schedule.js';
import { resolvePretrain, type ResolvedPretrain } from '../engine/pretrain/pretrain-settings.js';
import { ensembleTeacherSchema, experimentSchema, singleTeacherSchema } from './experiment-schema.js';
import { ExperimentValidationError, formatPath, type ExperimentIssue } from './validation-error.js';

/** A model spec after its plugin's schema filled in the defaults. */
export type ResolvedModelSpec = {
  /** The model plugin's id. */
  kind: string;
} & Record<string, unknown>;

/** A loss term after its plugin's schema filled in the defaults. */
export type ResolvedLossTerm = {
  /** The loss plugin's id. */
  kind: string;
  /** The term's weight. */
  weight: WeightSchedule;
} & Record<string, unknown>;

/** A stage's pruning after its plugin's schema filled in the defaults. */
export type ResolvedPruneSpec = {
  /** The pruning plugin's id. */
  kind: string;
} & Record<string, unknown>;

/** One teacher with complete training settings. */
export interface ResolvedTeacherMember {
  /** Its model. */
  model: ResolvedModelSpec;
  /** Its complete training settings. */
  train: TrainSettings;
  /** Its masked-language-model pre-training, when asked for. */
  pretrain?: ResolvedPretrain;
  /** Its own seed, when given. */
  seed?: number;
}

/** The teacher of a resolved experiment: one model, or an ensemble. */
export type ResolvedTeacher =
  | ResolvedTeacherMember
  | {
      /** The members. */
      ensemble: ResolvedTeacherMember[];
      /** How their outputs are combined. */
      combine: z.output<typeof ensembleTeacherSchema>['combine'];
    };

/** A resolved training stage of the distilled student. */
export interface ResolvedStage {
  /** Its name, when given. */
  name?: string;
  /** Its epochs. */
  epochs: number;
  /** Its loss terms. */
  losses: ResolvedLossTerm[];
  /** Its optimizer, when it differs from the experiment's. */
  optimizer?: OptimizerSettings;
  /** The tap up to which the student trains, when restricted. */
  trainable?: {
    /** The student tap. */
    upTo: string;
  };
  /** Its pruning of the student, when it prunes. */
  prune?: ResolvedPruneSpec;
}

/** A validated experiment with every default filled in: what runs, what is logged and what is hashed. */
export interface ResolvedExperiment {
  /** The study's name (MLflow experiment). */
  name: string;
  /** Its description. */
  description?: string;
  /** The data. */
  data: z.output<typeof experimentSchema>['data'];
  /** The teacher (or ensemble), with complete training settings. */
  teacher: ResolvedTeacher;
  /** The student. */
  student: {
    /** The student's model. */
    model: ResolvedModelSpec;
    /** Initialisation from the teacher, when asked for. */
    init?: {
      /** Which teacher weights the student takes. */
      fromTeacher: 'every-other-layer' | 'copy';
    };
  };
  /** The distilled student's loss terms, for a single-stage experiment. */
  losses?: ResolvedLossTerm[];
  /** The distilled student's stages, for a staged experiment. */
  stages?: ResolvedStage[];
  /** The students' training settings. */
  train: TrainSettings;
  /** Whether a baseline student is trained. */
  baseline: boolean;
  /** Extra evaluation of the students. */
  evaluate?: z.output<typeof experimentSchema>['evaluate'];
  /** Seed of the data split and the teacher(s). */
  seed: number;
  /** Seed of the students (baseline and distilled): `studentSeed`, or `seed`. */
  studentSeed: number;
}

type Schema = z.ZodType;

function strictOptions(schema: Schema): Schema {
  return schema instanceof z.ZodObject ? schema.strict() : schema;
}

function issuesOf(error: z.ZodError, prefix: readonly PropertyKey[]): ExperimentIssue[] {
  return error.issues.map((issue) => ({ path: formatPath([...prefix, ...issue.path]), message: issue.message }));
}

function resolvePlugin<T extends Identified & { options: Schema }>(
  registry: PluginRegistry<T>,
  spec: Record<string, unknown>,
  reserved: readonly string[],
  path: readonly PropertyKey[],
  issues: ExperimentIssue[],
): Record<string, unknown> | undefined {
  const kind = spec['kind'] as string;
  if (!registry.has(kind)) {
    issues.push({ path: formatPath([...path, 'kind']), message: `unknown ${registry.kind} "${kind}"; registered: ${registry.ids().join(', ') || '(none)'}` });
    return undefined;
  }
  const options = Object.fromEntries(Object.entries(spec).filter(([key]) => !reserved.includes(key)));
  const parsed = strictOptions(registry.get(kind).options).safeParse(options);
  if (!parsed.success) {
    issues.push(...issuesOf(parsed.error, path));
    return undefined;
  }
  const kept = Object.fromEntries(Object.entries(spec).filter(([key]) => reserved.includes(key)));
  return { ...kept, ...(parsed.data as Record<string, unknown>) };
}

/** Replaces a union's vague "invalid input" on `teacher` by the issues of the variant the user meant. */
function teacherIssues(raw: unknown, issues: ExperimentIssue[]): ExperimentIssue[] {
  const teacher = (raw as { teacher?: unknown } | undefined)?.teacher;
  if (typeof teacher !== 'object' || teacher === null) return issues;
  const variant = 'ensemble' in teacher ? ensembleTeacherSchema : singleTeacherSchema;
  const parsed = variant.safeParse(teacher);
  const rest = issues.filter((issue) => !(issue.path === 'teacher' || issue.path.startsWith('teacher.')));
  return parsed.success ? rest : [...rest, ...issuesOf(parsed.error, ['teacher'])];
}

/**
 * The plugin-option problems of an experiment whose core fields are also wrong, so that one run of the
 * validator reports everything: every loss term and model spec that has the right shape is checked.
 */
function rawPluginIssues(raw: unknown, registries: PluginRegistries): ExperimentIssue[] {
  const issues: ExperimentIssue[] = [];
  const record = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!record(raw)) return issues;
  const checkTerms = (list: unknown, path: PropertyKey[]): void => {
    if (!Array.isArray(list)) return;
    list.forEach((term, i) => {
      if (record(term) && typeof term['kind'] === 'string') resolvePlugin(registries.losses, term, ['kind', 'weight'], [...path, i], issues);
    });
  };
  const checkModel = (holder: unknown, path: PropertyKey[]): void => {
    if (record(holder) && record(holder['model']) && typeof holder['model']['kind'] === 'string') {
      resolvePlugin(registries.models, holder['model'], ['kind'], [...path, 'model'], issues);
    }
  };
  checkTerms(raw['losses'], ['losses']);
  if (Array.isArray(raw['stages'])) {
    raw['stages'].forEach((stage, i) => {
      if (!record(stage)) return;
      checkTerms(stage['losses'], ['stages', i, 'losses']);
      if (record(stage['prune']) && typeof stage['prune']['kind'] === 'string') resolvePlugin(registries.prunings, stage['prune'], ['kind'], ['stages', i, 'prune'], issues);
    });
  }
  checkModel(raw['student'], ['student']);
  checkModel(raw['teacher'], ['teacher']);
  if (record(raw['teacher']) && Array.isArray(raw['teacher']['ensemble'])) raw['teacher']['ensemble'].forEach((m, i) => checkModel(m, ['teacher', 'ensemble', i]));
  return issues;
}

type OverrideInput = Partial<Record<keyof TrainSettings, unknown>> | undefined;

function withoutUndefined(value: OverrideInput): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, inner]) => inner !== undefined));
}

/**
 * Validates an experiment (the whole of it, each plugin's options included) and fills in every default.
 * Throws an {@link ExperimentValidationError} listing every problem with its field path; nothing has
 * trained when it does.
 *
 * @param raw - the experiment as loaded (after `--set` overrides).
 * @param registries - the plugins the experiment may use.
 * @param source - where it came from, for the error message (the file path).
 */
export function resolveExperiment(raw: unknown, registries: PluginRegistries, source: string): ResolvedExperiment {
  const parsed = experimentSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = teacherIssues(raw, issuesOf(parsed.error, []));
    const seen = new Set(issues.map((issue) => issue.path));
    throw new ExperimentValidationError(source, [...issues, ...rawPluginIssues(raw, registries).filter((issue) => !seen.has(issue.path))]);
  }
  const experiment = parsed.data;
  const issues: ExperimentIssue[] = [];
  if (!registries.datasets.has(experiment.data.dataset)) {
    issues.push({ path: 'data.dataset', message: `unknown dataset "${experiment.data.dataset}"; registered: ${registries.datasets.ids().join(', ')}` });
  }
  const member = (spec: z.output<typeof singleTeacherSchema>, path: PropertyKey[], shared?: OverrideInput): ResolvedTeacherMember => {
    const model = resolvePlugin(registries.models, spec.model, ['kind'], [...path, 'model'], issues);
    const train = trainSettingsSchema.safeParse({ ...experiment.train, ...withoutUndefined(shared), ...withoutUndefined(spec.train) });
    if (!train.success) issues.push(...issuesOf(train.error, [...path, 'train']));
    return {
      model: model as ResolvedModelSpec,
      train: train.data!,
      ...(spec.pretrain !== undefined && train.success ? { pretrain: resolvePretrain(spec.pretrain, train.data) } : {}),
      ...(spec.seed !== undefined ? { seed: spec.seed } : {}),
    };
  };
  const teacher: ResolvedTeacher =
    'ensemble' in experiment.teacher
      ? {
          ensemble: experiment.teacher.ensemble.map((spec, i) => member(spec, ['teacher', 'ensemble', i], (experiment.teacher as { train?: OverrideInput }).train)),
          combine: experiment.teacher.combine,
        }
      : member(experiment.teacher, ['teacher']);
  const studentModel = resolvePlugin(registries.models, experiment.student.model, ['kind'], ['student', 'model'], issues);
  const terms = (list: readonly Record<string, unknown>[], path: PropertyKey[]): ResolvedLossTerm[] =>
    list.map((term, i) => resolvePlugin(registries.losses, term, ['kind', 'weight'], [...path, i], issues) as ResolvedLossTerm);
  const losses = experiment.losses ? terms(experiment.losses, ['losses']) : undefined;
  const stages = experiment.stages?.map((stage, s): ResolvedStage => {
    const resolved: ResolvedStage = { ...stage, losses: terms(stage.losses, ['stages', s, 'losses']) } as ResolvedStage;
    if (stage.prune) resolved.prune = resolvePlugin(registries.prunings, stage.prune, ['kind'], ['stages', s, 'prune'], issues) as ResolvedPruneSpec;
    return resolved;
  });
  if (experiment.student.init && 'ensemble' in teacher) {
    issues.push({ path: 'student.init', message: 'initialising from the teacher needs a single teacher, not an ensemble' });
  }
  if (issues.length > 0) throw new ExperimentValidationError(source, issues);
  const resolved: ResolvedExperiment = {
    name: experiment.name,
    data: experiment.data,
    teacher,
    student: { model: studentModel as ResolvedModelSpec, ...(experiment.student.init ? { init: experiment.student.init } : {}) },
    train: experiment.train,
    baseline: experiment.baseline,
    seed: experiment.seed,
    studentSeed: experiment.studentSeed ?? experiment.seed,
  };
  if (losses) resolved.losses = losses;
  if (stages) resolved.stages = stages;
  if (experiment.description !== undefined) resolved.description = experiment.description;
  if (experiment.evaluate !== undefined) resolved.evaluate = experiment.evaluate;
  return resolved;
}

/** The stages the distilled student trains through: the experiment's `stages`, or one stage of `losses`. */
export function studentStages(experiment: ResolvedExperiment): ResolvedStage[] {
  return experiment.stages ?? [{ name: 'distill', epochs: experiment.train.epochs, losses: experiment.losses ?? [] }];
}

/** The teacher members of an experiment (one for a single teacher). */
export function teacherMembers(experiment: ResolvedExperiment): ResolvedTeacherMember[] {
  return 'ensemble' in experiment.teacher ? experiment.teacher.ensemble : [experiment.teacher];
}

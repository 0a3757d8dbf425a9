import { z } from 'zod';
import type { PluginRegistries } from '../container/create-container.js';
import type { PluginRegistry, Identified } from '../container/plugin-registry.js';
import { trainSettingsSchema, type TrainSettings } from '../engine/train-settings.js';
import { experimentSchema } from './experiment-schema.js';
import { ExperimentValidationError, formatPath, type ExperimentIssue } from './validation-error.js';

/** A model spec after its plugin's schema filled in the defaults. */
export type ResolvedModelSpec = { kind: string } & Record<string, unknown>;

/** A loss term after its plugin's schema filled in the defaults. */
export type ResolvedLossTerm = { kind: string; weight: number } & Record<string, unknown>;

/** A validated experiment with every default filled in: what runs, what is logged and what is hashed. */
export interface ResolvedExperiment {
  /** The study's name (MLflow experiment). */
  name: string;
  /** Its description. */
  description?: string;
  /** The data. */
  data: z.output<typeof experimentSchema>['data'];
  /** The teacher, with its complete training settings. */
  teacher: { model: ResolvedModelSpec; train: TrainSettings };
  /** The student. */
  student: { model: ResolvedModelSpec };
  /** The distilled student's loss terms. */
  losses: ResolvedLossTerm[];
  /** The students' training settings. */
  train: TrainSettings;
  /** Whether a baseline student is trained. */
  baseline: boolean;
  /** The seed. */
  seed: number;
}

type Schema = z.ZodType;

function strictOptions(schema: Schema): Schema {
  return schema instanceof z.ZodObject ? schema.strict() : schema;
}

function pluginIssues(error: z.ZodError, prefix: readonly PropertyKey[]): ExperimentIssue[] {
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
    issues.push(...pluginIssues(parsed.error, path));
    return undefined;
  }
  const kept = Object.fromEntries(Object.entries(spec).filter(([key]) => reserved.includes(key)));
  return { ...kept, ...(parsed.data as Record<string, unknown>) };
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
  if (!parsed.success) throw new ExperimentValidationError(source, pluginIssues(parsed.error, []));
  const experiment = parsed.data;
  const issues: ExperimentIssue[] = [];
  if (!registries.datasets.has(experiment.data.dataset)) {
    issues.push({ path: 'data.dataset', message: `unknown dataset "${experiment.data.dataset}"; registered: ${registries.datasets.ids().join(', ')}` });
  }
  const teacherModel = resolvePlugin(registries.models, experiment.teacher.model, ['kind'], ['teacher', 'model'], issues);
  const studentModel = resolvePlugin(registries.models, experiment.student.model, ['kind'], ['student', 'model'], issues);
  const losses = experiment.losses.map((term, i) => resolvePlugin(registries.losses, term, ['kind', 'weight'], ['losses', i], issues));
  const overrides = Object.fromEntries(Object.entries(experiment.teacher.train ?? {}).filter(([, value]) => value !== undefined));
  const teacherTrain = trainSettingsSchema.safeParse({ ...experiment.train, ...overrides });
  if (!teacherTrain.success) issues.push(...pluginIssues(teacherTrain.error, ['teacher', 'train']));
  if (issues.length > 0) throw new ExperimentValidationError(source, issues);
  const resolved: ResolvedExperiment = {
    name: experiment.name,
    data: experiment.data,
    teacher: { model: teacherModel as ResolvedModelSpec, train: teacherTrain.data! },
    student: { model: studentModel as ResolvedModelSpec },
    losses: losses as ResolvedLossTerm[],
    train: experiment.train,
    baseline: experiment.baseline,
    seed: experiment.seed,
  };
  if (experiment.description !== undefined) resolved.description = experiment.description;
  return resolved;
}

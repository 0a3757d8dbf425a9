import type { PluginRegistries } from '@kdlab/core';
import type { TrainStage } from '@kdlab/core';
import type { TrainSettings } from '@kdlab/core';
import type { ResolvedStage } from '@kdlab/core';
import type { LossContext, LossNeeds } from '@kdlab/core';
import type { Model } from '@kdlab/core';
import { createTerms } from './create-terms.js';
import { FieldError } from '@kdlab/core';
import { createPruning } from './create-pruning.js';
import type { PruningInstance } from '@kdlab/core';

/** The created stages of one model's training, what they need from the teacher, and their cleanup. */
export interface CreatedStages {
  /** Stages ready for `trainModel`. */
  stages: TrainStage[];
  /** The union of every term's needs, over all stages. */
  needs: LossNeeds;
  /** Variables that belong to the losses (a regressor), counted apart from the model's. */
  lossParamCount: number;
  /** Frees every loss's variables (and what the prunings hold). */
  dispose(): void;
}

/** The experiment path of stage `i`'s pruning: beside its losses (`stages.1.prune`). */
function prunePath(lossesPath: string, stage: number): string {
  return lossesPath.endsWith('.losses') ? `${lossesPath.slice(0, -'.losses'.length)}.prune` : `stages.${stage}.prune`;
}

/**
 * Creates the training stages of a model: each stage's loss terms (shapes checked now, before any
 * training), its settings (the stage's epochs and optimizer over the defaults), the variables it
 * trains (`trainable.upTo` restricts them to the student's layers feeding that tap), and its pruning
 * (created against the model now, so that a bad option or nothing to prune is found before training).
 *
 * @param pathOf - the experiment path of stage `i`'s loss list, for error messages (`losses` or `stages.1.losses`).
 */
export function createStages(
  registries: PluginRegistries,
  model: Model,
  specs: readonly ResolvedStage[],
  defaults: TrainSettings,
  context: LossContext,
  pathOf: (stage: number) => string,
): CreatedStages {
  const created: ReturnType<typeof createTerms>[] = [];
  const prunings: PruningInstance[] = [];
  const dispose = (): void => {
    created.forEach((stage) => stage.dispose());
    prunings.forEach((pruning) => pruning.dispose?.());
  };
  try {
    const stages = specs.map((spec, i): TrainStage => {
      const terms = createTerms(registries, spec.losses, context, pathOf(i));
      created.push(terms);
      let modelVariables;
      if (spec.trainable) {
        if (!model.featureNames.includes(spec.trainable.upTo)) {
          throw new FieldError(`stages.${i}.trainable.upTo`, `the student (${model.kind}) has no tap "${spec.trainable.upTo}"; its taps: ${model.featureNames.join(', ')}.`);
        }
        modelVariables = model.variablesUpTo(spec.trainable.upTo);
      }
      const pruning = spec.prune ? createPruning(registries, model, spec.prune, spec.epochs, context.seed, prunePath(pathOf(i), i)) : undefined;
      if (pruning) prunings.push(pruning);
      return {
        name: spec.name ?? (specs.length === 1 ? 'train' : `stage${i + 1}`),
        terms: terms.terms,
        settings: { ...defaults, epochs: spec.epochs, ...(spec.optimizer ? { optimizer: spec.optimizer } : {}) },
        ...(modelVariables ? { modelVariables } : {}),
        ...(pruning ? { pruning } : {}),
      };
    });
    const needs: LossNeeds = { teacherLogits: false, studentFeatures: [], teacherFeatures: [] };
    for (const stage of created) {
      needs.teacherLogits ||= stage.needs.teacherLogits;
      needs.studentFeatures.push(...stage.needs.studentFeatures.filter((n) => !needs.studentFeatures.includes(n)));
      needs.teacherFeatures.push(...stage.needs.teacherFeatures.filter((n) => !needs.teacherFeatures.includes(n)));
    }
    const lossParamCount = stages.reduce((sum, stage) => sum + stage.terms.reduce((s, term) => s + term.loss.variables.reduce((v, x) => v + x.size, 0), 0), 0);
    return { stages, needs, lossParamCount, dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}

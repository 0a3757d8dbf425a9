import type { PluginRegistries } from '@kdlab/core';
import type { WeightedTerm } from '@kdlab/core';
import { termNames } from '@kdlab/core';
import type { ResolvedLossTerm } from '@kdlab/core';
import type { LossContext, LossNeeds } from '@kdlab/core';
import { FieldError } from '@kdlab/core';

/** Created loss terms and what they need from the teacher, together. */
export interface CreatedTerms {
  /** The weighted, created terms. */
  terms: WeightedTerm[];
  /** The union of every term's needs. */
  needs: LossNeeds;
  /** Frees every term's variables. */
  dispose(): void;
}

/**
 * Creates the loss terms of a stage with their plugins (each checks shapes now, before training).
 * On an error, terms already created are freed and the error names the term by its path
 * (a {@link FieldError} of field `<path>.<index>`, e.g. `stages.1.losses.0`).
 */
export function createTerms(registries: PluginRegistries, specs: readonly ResolvedLossTerm[], context: LossContext, path = 'losses'): CreatedTerms {
  const names = termNames(specs.map((spec) => spec.kind));
  const terms: WeightedTerm[] = [];
  const needs: LossNeeds = { teacherLogits: false, studentFeatures: [], teacherFeatures: [] };
  try {
    specs.forEach((spec, i) => {
      const { kind, weight, ...options } = spec;
      const definition = registries.losses.get(kind);
      const termNeeds = definition.needs(options);
      needs.teacherLogits ||= termNeeds.teacherLogits;
      needs.studentFeatures.push(...termNeeds.studentFeatures.filter((name) => !needs.studentFeatures.includes(name)));
      needs.teacherFeatures.push(...termNeeds.teacherFeatures.filter((name) => !needs.teacherFeatures.includes(name)));
      try {
        terms.push({ name: names[i]!, weight, loss: definition.create(options, context) });
      } catch (error) {
        const message = (error as Error).message;
        // Plugins usually say which loss they are ("hint loss: ..."); others are named here.
        throw new FieldError(`${path}.${i}`, message.startsWith(kind) ? message : `${kind} loss: ${message}`, { cause: error });
      }
    });
  } catch (error) {
    for (const term of terms) term.loss.dispose();
    throw error;
  }
  return { terms, needs, dispose: () => terms.forEach((term) => term.loss.dispose()) };
}

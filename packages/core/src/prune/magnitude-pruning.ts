import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { FieldError } from '../errors/field-error.js';
import { definePruning, pruningHelper, type PrunableVariable, type PruningContext } from './define-pruning.js';
import { magnitudeMasks } from './magnitude-masks.js';
import { isPruningStep, polynomialSparsity, type PolynomialSchedule } from './polynomial-sparsity.js';

const POLYNOMIAL_ONLY = ['initialSparsity', 'startEpoch', 'endEpoch', 'frequency'] as const;

/** The options of {@link magnitudePruning} as written (see docs/compression.md). */
export const magnitudePruningOptions = z
  .object({
    /** The final fraction of zeros in the pruned tensors, in [0, 1). */
    sparsity: z
      .number()
      .min(0, 'sparsity is the fraction of weights pruned, in [0, 1)')
      .lt(1, 'sparsity must be below 1: a tensor with every weight pruned computes nothing'),
    /** `one-shot` (default): prune at the stage's first step, then fine-tune with the masks fixed; `polynomial`: Zhu & Gupta's gradual schedule. */
    schedule: z.enum(['one-shot', 'polynomial']).default('one-shot'),
    /** Polynomial: the sparsity at `startEpoch`, `s_i`. Default 0. */
    initialSparsity: z.number().min(0, 'initialSparsity is a fraction in [0, 1)').lt(1, 'initialSparsity is a fraction in [0, 1)').optional(),
    /** Polynomial: the epoch of the stage (from 0; fractions allowed) at which pruning starts. Default 0. */
    startEpoch: z.number().min(0, 'startEpoch counts epochs of the stage from 0').optional(),
    /** Polynomial: the epoch of the stage at which the sparsity reaches `sparsity`; required. */
    endEpoch: z.number().gt(0, 'endEpoch must be above 0').optional(),
    /** Polynomial: steps between mask updates, `Δt`. Default 100. */
    frequency: z.number().int('frequency is a whole number of steps').positive('frequency is a whole number of steps above 0').optional(),
    /** `layer` (default): one threshold per tensor; `global`: one threshold over all pruned tensors. */
    scope: z.enum(['layer', 'global']).default('layer'),
    /** Layers (or `layer/weight` names) left dense, e.g. `['logits']`. Default: none. */
    exclude: z.array(z.string().min(1)).optional(),
  })
  .strict()
  .superRefine((options, context) => {
    if (options.schedule === 'polynomial') {
      if (options.endEpoch === undefined) {
        context.addIssue({ code: 'custom', path: ['endEpoch'], message: 'the polynomial schedule needs endEpoch: the epoch of the stage at which the sparsity reaches `sparsity`' });
      } else if ((options.startEpoch ?? 0) >= options.endEpoch) {
        context.addIssue({ code: 'custom', path: ['startEpoch'], message: `startEpoch (${options.startEpoch ?? 0}) must come before endEpoch (${options.endEpoch})` });
      }
      if ((options.initialSparsity ?? 0) > options.sparsity) {
        context.addIssue({ code: 'custom', path: ['initialSparsity'], message: `initialSparsity (${options.initialSparsity}) must not exceed sparsity (${options.sparsity})` });
      }
    } else {
      for (const key of POLYNOMIAL_ONLY) {
        if (options[key] !== undefined) context.addIssue({ code: 'custom', path: [key], message: `only the polynomial schedule takes ${key}: one-shot prunes at the stage's first step` });
      }
    }
  })
  .transform((options) =>
    options.schedule === 'polynomial'
      ? { ...options, initialSparsity: options.initialSparsity ?? 0, startEpoch: options.startEpoch ?? 0, frequency: options.frequency ?? 100 }
      : options,
  );

/** The options of {@link magnitudePruning} after parsing (the polynomial schedule's defaults filled in). */
export type MagnitudePruningSettings = z.output<typeof magnitudePruningOptions>;

/** Whether a variable is `layer` or one of its weights (`layer/...`). */
function belongsTo(variable: PrunableVariable, layer: string): boolean {
  return variable.name === layer || variable.name.startsWith(`${layer}/`);
}

/** The variables magnitude pruning prunes: every kernel (rank 2 or more) not excluded; never biases or normalisation parameters (rank 1). */
function chooseVariables(options: MagnitudePruningSettings, context: PruningContext): tf.Variable[] {
  const kernels = context.variables.filter(({ variable }) => variable.rank >= 2);
  const excluded = options.exclude ?? [];
  for (const layer of excluded) {
    if (!kernels.some((kernel) => belongsTo(kernel, layer))) {
      throw new FieldError('exclude', `the ${context.modelKind} has no kernel "${layer}" (a layer or a layer/weight name) to leave dense; its kernels: ${kernels.map((k) => k.name).join(', ') || '(none)'}.`);
    }
  }
  const chosen = kernels.filter((kernel) => !excluded.some((layer) => belongsTo(kernel, layer)));
  if (chosen.length === 0) {
    throw new Error(`magnitude pruning: nothing to prune: the ${context.modelKind} has no kernel (a variable of rank 2 or more)${excluded.length > 0 ? ' left once `exclude` is applied' : ''}.`);
  }
  return chosen.map(({ variable }) => variable);
}

/** The sparsity to prune to after `step` steps of the stage, or undefined when the masks stay. */
type Target = (step: number, stepsPerEpoch: number) => number | undefined;

function targetOf(options: MagnitudePruningSettings, context: PruningContext): Target {
  if (options.schedule !== 'polynomial') return (step) => (step === 0 ? options.sparsity : undefined);
  const { initialSparsity, startEpoch, endEpoch, frequency } = options as Extract<MagnitudePruningSettings, { startEpoch: number }>;
  if (endEpoch! > context.epochs) throw new FieldError('endEpoch', `endEpoch ${endEpoch} is past the stage's ${context.epochs} epochs.`);
  return (step, stepsPerEpoch) => {
    const schedule: PolynomialSchedule = {
      initialSparsity,
      finalSparsity: options.sparsity,
      beginStep: Math.round(startEpoch * stepsPerEpoch),
      endStep: Math.round(endEpoch! * stepsPerEpoch),
      frequency,
    };
    return isPruningStep(step, schedule) ? polynomialSparsity(step, schedule) : undefined;
  };
}

/**
 * Magnitude pruning: the weights of smallest magnitude are set to zero and kept there.
 *
 * - `one-shot` (Han et al. 2015): at the stage's first step, each pruned tensor (or all of them, with
 *   `scope: 'global'`) loses `⌊sparsity · n⌋` weights; the rest of the stage fine-tunes with the masks fixed.
 * - `polynomial` (Zhu & Gupta 2017): the sparsity grows from `initialSparsity` at `startEpoch` to
 *   `sparsity` at `endEpoch` as `s_t = s_f + (s_i − s_f)(1 − (t − t_0)/(nΔt))³`; the masks are recomputed
 *   from the current weights every `frequency` steps (and at `endEpoch`), then stay fixed.
 *
 * Ties at the threshold are broken by position, so exactly the target count is pruned. Kernels (rank
 * 2 or more: dense and convolution kernels, attention projections, embedding tables) are pruned unless
 * `exclude`d; biases and normalisation parameters never are.
 */
export const magnitudePruning = definePruning({
  id: 'magnitude',
  description: 'magnitude pruning to a target sparsity, one-shot or gradual (polynomial schedule)',
  reference: 'Han et al. 2015, Learning both Weights and Connections; Zhu & Gupta 2017, To prune, or not to prune',
  options: magnitudePruningOptions,
  create(options, context) {
    const variables = chooseVariables(options, context);
    const target = targetOf(options, context);
    return {
      variables,
      update(progress) {
        const sparsity = target(progress.step, progress.stepsPerEpoch);
        if (sparsity === undefined) return undefined;
        const masks = magnitudeMasks(
          variables.map((variable) => variable.dataSync() as Float32Array),
          sparsity,
          options.scope,
        );
        return masks.map((mask, i) => tf.tensor(Float32Array.from(mask), variables[i]!.shape, 'float32'));
      },
    };
  },
});

/** The experiment helper of {@link magnitudePruning}: `prune: magnitudePrune({ sparsity: 0.9, schedule: 'polynomial', endEpoch: 8 })`. */
export const magnitudePrune = pruningHelper(magnitudePruning);

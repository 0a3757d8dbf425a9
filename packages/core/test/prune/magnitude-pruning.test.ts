import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { FieldError } from '../../src/errors/field-error.js';
import { selectBackend } from '@kdlab/core';
import { magnitudePrune, magnitudePruning } from '../../src/prune/magnitude-pruning.js';
import { prunedCount } from '../../src/prune/magnitude-masks.js';
import type { PruningContext, PruningInstance } from '../../src/prune/define-pruning.js';
import { seededValues } from '../support/seeded-values.js';

beforeAll(() => selectBackend('cpu'));

let nextName = 0;
/** A small model's trainable variables: two kernels, their biases, a normalisation scale. */
function context(epochs = 4): PruningContext {
  const make = (name: string, shape: number[], seed: number) => ({ name, variable: tf.variable(tf.tensor(seededValues(shape.reduce((a, b) => a * b, 1), seed), shape), true, `prune-test-${nextName++}`) });
  return {
    variables: [make('hidden1/kernel', [20, 10], 1), make('hidden1/bias', [10], 2), make('norm/gamma', [10], 3), make('logits/kernel', [10, 5], 4), make('logits/bias', [5], 5)],
    modelKind: 'mlp',
    epochs,
    seed: 0,
  };
}

const parse = (options: unknown) => magnitudePruning.options.safeParse(options);
const issues = (options: unknown) => parse(options).error?.issues.map((issue) => [issue.path.join('.'), issue.message]);
const zerosOf = (tensor: tf.Tensor): number => Array.from(tensor.dataSync()).filter((value) => value === 0).length;

describe('magnitude pruning options', () => {
  it('default to one-shot, layer scope; the polynomial schedule fills in s_i = 0, startEpoch 0, frequency 100', () => {
    expect(parse({ sparsity: 0.5 }).data).toEqual({ sparsity: 0.5, schedule: 'one-shot', scope: 'layer' });
    expect(parse({ sparsity: 0.5, schedule: 'polynomial', endEpoch: 3 }).data).toEqual({
      sparsity: 0.5,
      schedule: 'polynomial',
      scope: 'layer',
      endEpoch: 3,
      initialSparsity: 0,
      startEpoch: 0,
      frequency: 100,
    });
    expect(magnitudePrune({ sparsity: 0.9, scope: 'global' })).toEqual({ kind: 'magnitude', sparsity: 0.9, scope: 'global' });
  });

  it('are refused with the option named: sparsity out of [0, 1), no endEpoch, a one-shot given a schedule option, an unknown option', () => {
    expect(issues({ sparsity: 1 })).toEqual([['sparsity', 'sparsity must be below 1: a tensor with every weight pruned computes nothing']]);
    expect(issues({ sparsity: -0.1 })).toEqual([['sparsity', 'sparsity is the fraction of weights pruned, in [0, 1)']]);
    expect(issues({ sparsity: 0.5, schedule: 'polynomial' })?.[0]?.[0]).toBe('endEpoch');
    expect(issues({ sparsity: 0.5, schedule: 'polynomial', startEpoch: 3, endEpoch: 2 })?.[0]?.[0]).toBe('startEpoch');
    expect(issues({ sparsity: 0.5, schedule: 'polynomial', endEpoch: 2, initialSparsity: 0.6 })?.[0]?.[0]).toBe('initialSparsity');
    expect(issues({ sparsity: 0.5, frequency: 10 })).toEqual([['frequency', "only the polynomial schedule takes frequency: one-shot prunes at the stage's first step"]]);
    expect(issues({ sparsity: 0.5, schedule: 'gradual' })?.[0]?.[0]).toBe('schedule');
    expect(issues({ sparsity: 0.5, sparsty: 0.5 })?.[0]?.[1]).toContain('sparsty');
  });
});

describe('magnitudePruning.create', () => {
  it('prunes the kernels (rank 2 or more), never biases or normalisation parameters; `exclude` leaves layers dense', () => {
    const ctx = context();
    const all = magnitudePruning.create(parse({ sparsity: 0.5 }).data!, ctx);
    expect(all.variables).toEqual([ctx.variables[0]!.variable, ctx.variables[3]!.variable]);
    const some = magnitudePruning.create(parse({ sparsity: 0.5, exclude: ['logits'] }).data!, ctx);
    expect(some.variables).toEqual([ctx.variables[0]!.variable]);
  });

  it('names the option when it cannot apply to the model: an unknown excluded layer, an endEpoch past the stage', () => {
    const ctx = context(4);
    const thrown = (options: unknown): FieldError => {
      try {
        magnitudePruning.create(parse(options).data!, ctx);
      } catch (error) {
        return error as FieldError;
      }
      throw new Error('no error');
    };
    expect(thrown({ sparsity: 0.5, exclude: ['hidden2'] })).toMatchObject({ field: 'exclude', detail: expect.stringContaining('hidden1/kernel, logits/kernel') });
    expect(thrown({ sparsity: 0.5, schedule: 'polynomial', endEpoch: 5 })).toMatchObject({ field: 'endEpoch', detail: "endEpoch 5 is past the stage's 4 epochs." });
    expect(() => magnitudePruning.create(parse({ sparsity: 0.5, exclude: ['hidden1', 'logits'] }).data!, ctx)).toThrow('nothing to prune');
  });

  it('one-shot: masks at step 0 only, ⌊s · n⌋ zeros per kernel (layer scope)', () => {
    const pruning = magnitudePruning.create(parse({ sparsity: 0.85 }).data!, context());
    const masks = pruning.update({ step: 0, stageSteps: 40, stepsPerEpoch: 10 })!;
    expect(masks.map((mask) => mask.shape)).toEqual([[20, 10], [10, 5]]);
    expect(masks.map(zerosOf)).toEqual([prunedCount(0.85, 200), prunedCount(0.85, 50)]);
    expect(masks.map(zerosOf)).toEqual([170, 42]);
    for (const step of [1, 10, 39, 40]) expect(pruning.update({ step, stageSteps: 40, stepsPerEpoch: 10 })).toBeUndefined();
    tf.dispose(masks);
  });

  it('polynomial: masks at t_0, every Δt and t_end, each with ⌊s_t · n⌋ zeros of the formula; none elsewhere', () => {
    // 10 steps an epoch; from epoch 1 to 3.5: t_0 = 10, t_end = 35, Δt = 4
    const ctx = context(4);
    const pruning: PruningInstance = magnitudePruning.create(parse({ sparsity: 0.8, initialSparsity: 0.2, schedule: 'polynomial', startEpoch: 1, endEpoch: 3.5, frequency: 4, scope: 'global' }).data!, ctx);
    const seen: [number, number][] = [];
    for (let step = 0; step <= 40; step += 1) {
      const masks = pruning.update({ step, stageSteps: 40, stepsPerEpoch: 10 });
      if (!masks) continue;
      seen.push([step, masks.reduce((sum, mask) => sum + zerosOf(mask), 0)]);
      // the trainer applies the masks: pruned weights are 0 when the next masks are computed
      pruning.variables.forEach((variable, i) => variable.assign(tf.mul(variable, masks[i]!)));
      tf.dispose(masks);
    }
    const sparsityAt = (t: number): number => 0.8 + (0.2 - 0.8) * (1 - (t - 10) / 25) ** 3;
    expect(seen.map(([step]) => step)).toEqual([10, 14, 18, 22, 26, 30, 34, 35]);
    for (const [step, zeros] of seen) expect(zeros, `step ${step}`).toBe(Math.floor(sparsityAt(step) * 250 + 1e-6));
    expect(seen.at(-1)![1]).toBe(200);
    expect(seen[0]![1]).toBe(50);
  });
});

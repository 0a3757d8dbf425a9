import { inputRows } from '@kdlab/core';
import type { PluginRegistry } from '@kdlab/core';
import type { SplitFractions } from '@kdlab/core';
import type { DatasetDefinition } from '@kdlab/core';
import { ExportInputError } from './resolve-model-source.js';
import type { SampleSet } from './sample-file.js';

/** Which test examples {@link loadTestSamples} takes. */
export interface TestSamplesRequest {
  /** The dataset id, e.g. `mnist-10k`. */
  readonly dataset: string;
  /** How it is split (the test split of a dataset with a canonical one is that). */
  readonly split: SplitFractions;
  /** The split's seed. */
  readonly seed: number;
  /** How many examples: the test split's first ones. */
  readonly count: number;
  /** Take all of a test split smaller than `count` instead of failing. */
  readonly atMost?: boolean;
}

/**
 * The first `count` examples (all of them with `atMost`, when it has fewer) of a dataset's test split, split as in training (same fractions and seed),
 * as a {@link SampleSet} that records where they come from.
 *
 * @param datasets - the dataset plugins.
 * @param request - the dataset, its split and how many examples.
 * @throws {@link ExportInputError} for an unknown dataset, or a test split with fewer than `count`
 *   examples (the message says how many it has).
 */
export async function loadTestSamples(datasets: PluginRegistry<DatasetDefinition>, request: TestSamplesRequest): Promise<SampleSet> {
  if (!Number.isSafeInteger(request.count) || request.count < 1) throw new ExportInputError(`The number of samples must be a whole number of at least 1, not ${request.count}.`);
  let definition: DatasetDefinition;
  try {
    definition = datasets.get(request.dataset);
  } catch (error) {
    throw new ExportInputError((error as Error).message);
  }
  const data = await definition.load({ split: request.split, seed: request.seed });
  const test = data.test;
  const count = request.atMost ? Math.min(request.count, test.count) : request.count;
  if (test.count < count) {
    throw new ExportInputError(`The test split of ${request.dataset} (split ${request.split.train}/${request.split.val}/${request.split.test}, seed ${request.seed}) has ${test.count} examples, fewer than the ${request.count} asked for.`);
  }
  const width = data.inputShape.reduce((a, b) => a * b, 1);
  return {
    x: inputRows(test, 0, count, width).slice(),
    y: test.y.slice(0, count),
    count,
    inputShape: [...data.inputShape],
    numClasses: data.numClasses,
    classNames: [...data.classNames],
    source: { dataset: request.dataset, split: { ...request.split }, seed: request.seed, testCount: test.count },
  };
}

import { gatherSplit, type ByteImageSet, type PixelDecoding } from './byte-image-set.js';
import type { DataSplit, DatasetRequest } from '@kdlab/core';
import { stratifiedSplit, stratifiedSubset } from './stratified-split.js';

/** The three splits of a dataset. */
export interface DecodedSplits {
  /** Training examples. */
  readonly train: DataSplit;
  /** Validation examples. */
  readonly val: DataSplit;
  /** Test examples. */
  readonly test: DataSplit;
}

/**
 * Splits a dataset that has no fixed split (e.g. `mnist-10k`) by the request's fractions with
 * {@link stratifiedSplit}, then keeps a stratified `limitTrain` subset of train with
 * {@link stratifiedSubset} (validation and test are unaffected by `limitTrain`), and gathers the
 * examples' bytes. The request is assumed valid (see `validateDatasetRequest`).
 */
export function splitByFractions(set: ByteImageSet, numClasses: number, request: DatasetRequest, decoding: PixelDecoding): DecodedSplits {
  const indices = stratifiedSplit(set.labels, numClasses, request.split, request.seed);
  const train = request.limitTrain === undefined ? indices.train : stratifiedSubset(indices.train, set.labels, numClasses, request.limitTrain);
  return {
    train: gatherSplit(set, train, decoding),
    val: gatherSplit(set, indices.val, decoding),
    test: gatherSplit(set, indices.test, decoding),
  };
}

/**
 * Splits a dataset with a canonical train/test split (MNIST, Fashion-MNIST, CIFAR): validation is
 * carved from the canonical training set by {@link stratifiedSplit} with the fractions
 * `{ train: t / (t + v), val: v / (t + v), test: 0 }` where `t` and `v` are the request's `train` and
 * `val` (the request's `test` fraction is ignored: test is the canonical test set, whole and in file
 * order). Then a stratified `limitTrain` subset of train is kept, and the examples' bytes are gathered.
 * When `t + v` is 0 there is nothing to train on, which is an error.
 */
export function splitCanonical(
  dataset: string,
  trainSet: ByteImageSet,
  testSet: ByteImageSet,
  numClasses: number,
  request: DatasetRequest,
  decoding: PixelDecoding,
): DecodedSplits {
  const { train: t, val: v } = request.split;
  if (t + v <= 0) {
    throw new RangeError(`Dataset "${dataset}" has a canonical test set; split.train + split.val must be above 0 to carve train and val from its training set`);
  }
  const indices = stratifiedSplit(trainSet.labels, numClasses, { train: t / (t + v), val: v / (t + v), test: 0 }, request.seed);
  const train = request.limitTrain === undefined ? indices.train : stratifiedSubset(indices.train, trainSet.labels, numClasses, request.limitTrain);
  const testOrder = new Int32Array(testSet.count);
  for (let i = 0; i < testOrder.length; i++) testOrder[i] = i;
  return {
    train: gatherSplit(trainSet, train, decoding),
    val: gatherSplit(trainSet, indices.val, decoding),
    test: gatherSplit(testSet, testOrder, decoding),
  };
}

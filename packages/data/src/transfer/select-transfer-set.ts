import { FieldError } from '@kdlab/core';
import seedrandom from 'seedrandom';
import type { DataSplit, Dataset } from '@kdlab/core';
import { byteSplit, inputValueCount, shuffleInPlace } from '@kdlab/core';
import { stratifiedSubset } from '../stratified-split.js';
import { transferClasses, type TransferSet } from '@kdlab/core';

/** The seedrandom seed string of a transfer set's draw. */
export function transferSeedString(seed: number): string {
  return `kdlab/transfer-set/${seed}`;
}

/**
 * The indices (ascending) of the training examples a transfer set keeps: those of its classes, then
 * a stratified `count` or `fraction` of them, drawn after a shuffle seeded by `seed` (so the same
 * seed keeps the same examples, and a different seed another draw).
 *
 * @throws FieldError naming the field when a class is out of range or nothing is left.
 */
export function selectTransferIndices(train: DataSplit, numClasses: number, transfer: TransferSet, seed: number): Int32Array {
  for (const field of ['classes', 'omitClasses'] as const) {
    for (const c of transfer[field] ?? []) {
      if (c >= numClasses) throw new FieldError(`data.transfer.${field}`, `class ${c} does not exist (the dataset has classes 0 to ${numClasses - 1})`);
    }
  }
  const keep = new Set(transferClasses(transfer, numClasses));
  const candidates: number[] = [];
  for (let i = 0; i < train.count; i++) if (keep.has(train.y[i]!)) candidates.push(i);
  if (candidates.length === 0) throw new FieldError('data.transfer', `no training example is of the classes kept (${[...keep].join(', ')})`);
  const shuffled = Int32Array.from(candidates);
  shuffleInPlace(shuffled, seedrandom.alea(transferSeedString(seed)));
  let limit = shuffled.length;
  if (transfer.count !== undefined) {
    if (transfer.count > shuffled.length) {
      throw new FieldError('data.transfer.count', `${transfer.count} examples asked for, but only ${shuffled.length} training examples are of the classes kept`);
    }
    limit = transfer.count;
  } else if (transfer.fraction !== undefined) {
    limit = Math.max(1, Math.round(shuffled.length * transfer.fraction));
  }
  const kept = stratifiedSubset(shuffled, train.y, numClasses, limit);
  return Int32Array.from(kept).sort();
}

/** The rows `indices` of a split, in that order (a byte split stays one). */
export function gatherRows(split: DataSplit, indices: Int32Array): DataSplit {
  const size = split.count === 0 ? 0 : inputValueCount(split) / split.count;
  const y = new Int32Array(indices.length);
  indices.forEach((index, row) => {
    y[row] = split.y[index]!;
  });
  const inputs = split.bytes;
  if (inputs !== undefined) {
    const bytes = new Uint8Array(indices.length * size);
    indices.forEach((index, row) => bytes.set(inputs.bytes.subarray(index * size, (index + 1) * size), row * size));
    return byteSplit({ ...inputs, bytes }, y);
  }
  const x = new Float32Array(indices.length * size);
  indices.forEach((index, row) => x.set(split.x.subarray(index * size, (index + 1) * size), row * size));
  return { x, y, count: indices.length };
}

/** Rows `indices` of a row-major matrix with `width` columns (e.g. a teacher's logits on the training set). */
export function gatherMatrixRows(matrix: Float32Array, width: number, indices: Int32Array): Float32Array {
  const out = new Float32Array(indices.length * width);
  indices.forEach((index, row) => out.set(matrix.subarray(index * width, (index + 1) * width), row * width));
  return out;
}

/** A dataset whose training split is narrowed to a transfer set, with the kept rows' original indices. */
export interface TransferData {
  /** The dataset, its `train` replaced by the transfer set (validation and test unchanged). */
  readonly data: Dataset;
  /** For each row of the new `train`, its index in the full training split. */
  readonly indices: Int32Array;
}

/** Narrows a dataset's training split to a transfer set (see {@link selectTransferIndices}). */
export function applyTransferSet(data: Dataset, transfer: TransferSet, seed: number): TransferData {
  const indices = selectTransferIndices(data.train, data.numClasses, transfer, seed);
  return { data: { ...data, train: gatherRows(data.train, indices) }, indices };
}

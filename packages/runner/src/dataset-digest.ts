import { createHash } from 'node:crypto';
import { inputRows, inputValueCount, type DataSplit, type Dataset } from '@kdlab/core';
import type { Hash } from 'node:crypto';

const digests = new WeakMap<Dataset, string>();

/**
 * A SHA-256 digest (64 hex digits) of a loaded dataset's contents: its input shape, number of classes
 * and the inputs and labels of its train, validation and test splits, in order. Equal contents give
 * equal digests wherever the data was read from (unlike `Dataset.source`, a path that differs from
 * one machine to the next), so it can stand in a cache key shared by machines. Computed once per
 * dataset object and remembered. The inputs are hashed as floats, a chunk of rows at a time, so a split
 * held as bytes has the digest of its float copy without ever holding that copy.
 *
 * @param data - A loaded dataset.
 */
export function datasetDigest(data: Dataset): string {
  let digest = digests.get(data);
  if (digest === undefined) {
    const hash = createHash('sha256');
    hash.update(JSON.stringify({ inputShape: data.inputShape, numClasses: data.numClasses, counts: [data.train.count, data.val.count, data.test.count] }));
    for (const split of [data.train, data.val, data.test]) {
      // Lengths first, so that no two different splits' bytes run together into the same stream.
      hash.update(JSON.stringify([inputValueCount(split), split.y.length]));
      hashInputs(hash, split);
      hash.update(new Uint8Array(split.y.buffer, split.y.byteOffset, split.y.byteLength));
    }
    digest = hash.digest('hex');
    digests.set(data, digest);
  }
  return digest;
}

/** Rows hashed per chunk of a split's inputs. */
const ROWS_PER_CHUNK = 4096;

/** Feeds a split's inputs, as float32 bytes, to `hash`. */
function hashInputs(hash: Hash, split: DataSplit): void {
  if (split.count === 0) return;
  const width = inputValueCount(split) / split.count;
  for (let start = 0; start < split.count; start += ROWS_PER_CHUNK) {
    const rows = inputRows(split, start, Math.min(ROWS_PER_CHUNK, split.count - start), width);
    hash.update(new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength));
  }
}

import { createHash } from 'node:crypto';
import type { Dataset } from '@kdlab/core';

const digests = new WeakMap<Dataset, string>();

/**
 * A SHA-256 digest (64 hex digits) of a loaded dataset's contents: its input shape, number of classes
 * and the inputs and labels of its train, validation and test splits, in order. Equal contents give
 * equal digests wherever the data was read from (unlike `Dataset.source`, a path that differs from
 * one machine to the next), so it can stand in a cache key shared by machines. Computed once per
 * dataset object and remembered.
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
      hash.update(JSON.stringify([split.x.length, split.y.length]));
      hash.update(new Uint8Array(split.x.buffer, split.x.byteOffset, split.x.byteLength));
      hash.update(new Uint8Array(split.y.buffer, split.y.byteOffset, split.y.byteLength));
    }
    digest = hash.digest('hex');
    digests.set(data, digest);
  }
  return digest;
}

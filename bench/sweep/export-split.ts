import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mnist10kDataset } from '@kdlab/data';

/**
 * Writes kdlab's mnist-10k split (8,000 / 1,000 / 1,000, split seed 0, as `bench/sweep/experiment.ts`
 * loads it) to `directory` as raw little-endian arrays for `bench/pytorch/sweep.py`:
 * `{train,val,test}_x.f32` (the normalised pixels, `count x 784`) and `{train,val,test}_y.i32`.
 * @returns the number of training examples.
 */
export async function exportMnistSplit(directory: string): Promise<number> {
  const data = await mnist10kDataset.load({ split: { train: 0.8, val: 0.1, test: 0.1 }, seed: 0 });
  await mkdir(directory, { recursive: true });
  for (const [name, split] of [['train', data.train], ['val', data.val], ['test', data.test]] as const) {
    await writeFile(join(directory, `${name}_x.f32`), new Uint8Array(split.x.buffer, split.x.byteOffset, split.x.byteLength));
    await writeFile(join(directory, `${name}_y.i32`), new Uint8Array(split.y.buffer, split.y.byteOffset, split.y.byteLength));
  }
  return data.train.count;
}

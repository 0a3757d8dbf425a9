import { z } from 'zod';

/**
 * Data augmentation of the training batches, applied on the fly to each batch (never to validation
 * or test data). Seeded: the same seed, epoch and step give the same transformed batch, so a run is
 * reproducible and a resumed run sees what an uninterrupted one would have seen.
 */
export const augmentationSchema = z
  .object({
    /**
     * Random translation ("jitter", Hinton et al. 2015's MNIST teacher): each image is shifted by a
     * whole number of pixels drawn uniformly from `[-translate, translate]`, independently along each
     * spatial axis, the uncovered border filled with zeros. `0` turns it off.
     */
    translate: z.number().int().min(0).max(16).default(0),
  })
  .strict();

/** Data augmentation after defaults. */
export type Augmentation = z.output<typeof augmentationSchema>;

/** Whether an augmentation changes anything (`undefined` and all-off settings do not). */
export function augments(augmentation: Augmentation | undefined): augmentation is Augmentation {
  return augmentation !== undefined && augmentation.translate > 0;
}

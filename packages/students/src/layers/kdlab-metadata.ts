import { z } from 'zod';

/** The key under which kdlab writes its metadata into a saved model's `userDefinedMetadata`. */
export const KDLAB_METADATA_KEY = 'kdlab';

/** Schema of the metadata kdlab writes into `model.json`, so a loaded model knows its family and taps. */
export const kdlabModelMetadataSchema = z.object({
  /** Version of this metadata's layout. */
  formatVersion: z.literal(1),
  /** The factory id the model was built by (`mlp`, ...). */
  kind: z.string().min(1),
  /** Names of the feature taps, one per model output after the logits. */
  featureNames: z.array(z.string().min(1)),
});

/** What kdlab records about a model in its saved `model.json` (under `userDefinedMetadata.kdlab`). */
export type KdlabModelMetadata = z.output<typeof kdlabModelMetadataSchema>;

/**
 * Reads kdlab's metadata from a loaded model's `userDefinedMetadata`.
 *
 * @param userDefinedMetadata - `model.getUserDefinedMetadata()` of a loaded `tf.LayersModel`.
 * @param source - where the model came from, for error messages.
 * @returns the metadata, or `undefined` when the model was not saved by kdlab.
 */
export function readKdlabMetadata(userDefinedMetadata: unknown, source: string): KdlabModelMetadata | undefined {
  if (typeof userDefinedMetadata !== 'object' || userDefinedMetadata === null) return undefined;
  const raw = (userDefinedMetadata as Record<string, unknown>)[KDLAB_METADATA_KEY];
  if (raw === undefined) return undefined;
  const parsed = kdlabModelMetadataSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${source}: userDefinedMetadata.${KDLAB_METADATA_KEY} is malformed: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

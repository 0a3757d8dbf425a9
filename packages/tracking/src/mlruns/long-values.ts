/** MLflow truncates param values longer than this many characters. */
export const MAX_PARAM_VALUE_LENGTH = 6000;

/** MLflow truncates run tag values longer than this many characters. */
export const MAX_TAG_VALUE_LENGTH = 5000;

/** Where the full text of a truncated value is kept, under the run's artifacts. */
export const FULL_VALUES_ARTIFACT_FOLDER = '_full_values';

/** A value as it is stored, and where its full text goes when it had to be shortened. */
export interface StoredValue {
  /** The text written to the param or tag file (at most the limit in characters). */
  stored: string;
  /** The run-relative artifact path that receives the full text, when `stored` is shortened. */
  fullValueArtifact?: string;
}

/**
 * Fits a param or tag value to MLflow's length limit without losing it: a value within the limit
 * is kept as is; a longer one is cut and ends with a note naming the artifact that keeps the full
 * text (MLflow itself would cut it silently). The result depends only on the inputs, so logging
 * the same long value twice stores the same text.
 *
 * @param kind - `params` or `tags`.
 * @param key - The key (a valid MLflow key).
 * @param value - The full value.
 * @param limit - The limit in characters (Unicode code points, as Python counts).
 */
export function fitValueToLimit(kind: 'params' | 'tags', key: string, value: string, limit: number): StoredValue {
  const characters = [...value];
  if (characters.length <= limit) return { stored: value };
  const fullValueArtifact = `${FULL_VALUES_ARTIFACT_FOLDER}/${kind}/${key}.txt`;
  const note = ` [truncated from ${characters.length} characters; full value in artifact ${fullValueArtifact}]`;
  const kept = characters.slice(0, Math.max(0, limit - [...note].length)).join('');
  return { stored: kept + note, fullValueArtifact };
}

import { codePointLength, firstCodePoints } from '../validation/text-length.js';
import { MAX_PARAM_VALUE_LENGTH } from './log-batch-limits.js';

/** Artifact folder (below the run's artifact root) holding the full values of params too long for MLflow. */
export const LONG_PARAM_ARTIFACT_FOLDER = 'mlflow-long-params';

/** Where the full value of a long param is stored: `mlflow-long-params/<key>.txt`. */
export function longParamArtifactPath(key: string): string {
  return `${LONG_PARAM_ARTIFACT_FOLDER}/${key}.txt`;
}

/** What the marker at the end of a truncated param value says. */
export interface LongParamMarker {
  /** Length of the full value, in characters (code points). */
  readonly fullLength: number;
  /** Path of the artifact holding the full value, relative to the run's artifact root. */
  readonly artifactPath: string;
}

const MARKER = /…\[truncated: (\d+) characters; full value in artifact (.+)\]$/su;

function markerText(fullLength: number, artifactPath: string): string {
  return `…[truncated: ${fullLength} characters; full value in artifact ${artifactPath}]`;
}

/**
 * The value logged in place of a param longer than 6000 characters: its first characters, then the marker
 * `…[truncated: <N> characters; full value in artifact mlflow-long-params/<key>.txt]`, 6000 characters in all.
 * Deterministic, so logging it again (a retry) never "changes" the param.
 */
export function truncatedParamValue(key: string, fullValue: string): string {
  const marker = markerText(codePointLength(fullValue), longParamArtifactPath(key));
  return firstCodePoints(fullValue, MAX_PARAM_VALUE_LENGTH - codePointLength(marker)) + marker;
}

/** Reads the marker of a truncated param value; `undefined` for an ordinary value. */
export function parseLongParamMarker(value: string): LongParamMarker | undefined {
  const match = MARKER.exec(value);
  if (match === null || match[1] === undefined || match[2] === undefined) return undefined;
  return { fullLength: Number(match[1]), artifactPath: match[2] };
}

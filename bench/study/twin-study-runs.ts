import { readFile } from 'node:fs/promises';
import type { StudyRun } from './study-result.js';

/** A run in a twin's results file (repro/pytorch-twin/README.md; the Keras twin writes the same fields). */
interface TwinRunRecord {
  role: StudyRun['role'];
  seed: number;
  temperature: number | null;
  test_accuracy?: number;
  test_accuracy_best?: number;
  epochs?: number;
  mean_epoch_seconds?: number;
  wall_seconds?: number;
}

/** What the runner reads of a twin's results file. */
export interface TwinResults {
  /** Its runs, in the order trained. */
  runs: StudyRun[];
  /** The file-level version fields (`torch_version`; `keras_version`, `tensorflow_version`). */
  versions: Record<string, string>;
}

/** A twin's run record as a study run. */
export function studyRunOfTwin(record: TwinRunRecord): StudyRun {
  return {
    role: record.role,
    seed: record.seed,
    ...(record.temperature !== null ? { temperature: record.temperature } : {}),
    ...(record.test_accuracy !== undefined ? { testAccuracy: record.test_accuracy } : {}),
    ...(record.test_accuracy_best !== undefined ? { testAccuracyBest: record.test_accuracy_best } : {}),
    ...(record.epochs !== undefined ? { epochs: record.epochs } : {}),
    ...(record.mean_epoch_seconds !== undefined ? { meanEpochSeconds: record.mean_epoch_seconds } : {}),
    ...(record.wall_seconds !== undefined ? { wallSeconds: record.wall_seconds } : {}),
  };
}

/**
 * Reads a twin's results file (the PyTorch twin's `kdlab-pytorch-twin/1`, the Keras twin's
 * `kdlab-keras-twin/1`).
 *
 * @param path - The file (`--out`).
 */
export async function readTwinResults(path: string): Promise<TwinResults> {
  const document = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown> & { runs?: TwinRunRecord[] };
  const versions: Record<string, string> = {};
  for (const field of ['torch_version', 'keras_version', 'tensorflow_version']) {
    const value = document[field];
    if (typeof value === 'string') versions[field] = value;
  }
  return { runs: (document.runs ?? []).map(studyRunOfTwin), versions };
}

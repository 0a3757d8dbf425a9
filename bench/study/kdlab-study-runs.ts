import { readMlrunsStore, type MlrunsRunRecord } from '@kdlab/tracking';
import type { StudyRun } from './study-result.js';

const ROLES = new Set(['teacher', 'baseline', 'distilled']);

function lastValue(record: MlrunsRunRecord, key: string): number | undefined {
  return record.metrics[key]?.at(-1)?.value;
}

function mean(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0) / values.length;
}

function numberParam(record: MlrunsRunRecord, key: string): number | undefined {
  const text = record.params[key];
  const value = text === undefined ? Number.NaN : Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * One kdlab run as a study run: its role (`kdlab.role` tag), seed (`studentSeed`, the teacher's
 * `seed`), temperature (`losses.1.temperature`, the study's hinton term, distilled students only), the
 * last `test/accuracy` and `test/best/accuracy`, the epochs and mean `time/epoch_s`, and the wall time
 * from the run's start to its end (meta.yaml). `undefined` for the sweep's parent run.
 */
export function studyRunOf(record: MlrunsRunRecord): StudyRun | undefined {
  const role = record.tags['kdlab.role'];
  if (role === undefined || !ROLES.has(role)) return undefined;
  const epochTimes = (record.metrics['time/epoch_s'] ?? []).map((point) => point.value);
  const temperature = role === 'distilled' ? numberParam(record, 'losses.1.temperature') : undefined;
  const testAccuracy = lastValue(record, 'test/accuracy');
  const testAccuracyBest = lastValue(record, 'test/best/accuracy');
  const meanEpochSeconds = mean(epochTimes);
  const { startTime, endTime } = record.info;
  return {
    role: role as StudyRun['role'],
    seed: (role === 'teacher' ? numberParam(record, 'seed') : numberParam(record, 'studentSeed')) ?? 0,
    ...(temperature !== undefined ? { temperature } : {}),
    ...(testAccuracy !== undefined ? { testAccuracy } : {}),
    ...(testAccuracyBest !== undefined ? { testAccuracyBest } : {}),
    ...(epochTimes.length > 0 ? { epochs: epochTimes.length } : {}),
    ...(meanEpochSeconds !== undefined ? { meanEpochSeconds } : {}),
    ...(endTime !== null ? { wallSeconds: (endTime - startTime) / 1000 } : {}),
  };
}

/**
 * The study runs of experiment `experimentName` in the local store `trackingDir` (the contender's own,
 * fresh), in the order they started.
 *
 * @param trackingDir - The `--tracking-uri` folder.
 * @param experimentName - The experiment's name (`hinton-mnist-full`).
 */
export async function readKdlabStudyRuns(trackingDir: string, experimentName: string): Promise<StudyRun[]> {
  const store = await readMlrunsStore(trackingDir);
  const experiment = store.experiments.find((candidate) => candidate.name === experimentName);
  if (experiment === undefined) throw new Error(`${trackingDir} holds no experiment "${experimentName}" (found: ${store.experiments.map((candidate) => candidate.name).join(', ') || 'none'})`);
  return store.runs
    .filter((record) => record.info.experimentId === experiment.experimentId)
    .map(studyRunOf)
    .filter((run): run is StudyRun => run !== undefined);
}

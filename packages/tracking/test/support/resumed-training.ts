// A training that stops after 3 epochs and, once its run is resumed, goes on to epoch 5: what the
// resume tests of both trackers log.
import type { RunHandle } from '@kdlab/core';

/** The start of the training's clock (ms). */
export const T0 = 1_700_000_000_000;

/** The two metrics logged every epoch, at epoch `step`, `after` ms past {@link T0} plus the step. */
const epochPoints = (step: number, after = 0) => [
  { key: 'train/loss', value: 1 / step, step, timestamp: T0 + after + step },
  { key: 'val/accuracy', value: 0.5 + step / 10, step, timestamp: T0 + after + step },
];

/** Logs 3 epochs: `train/loss` and `val/accuracy` at steps 1..3, `train/lr` at step 1 only, a param. */
export async function logThreeEpochs(run: RunHandle): Promise<void> {
  await run.logParams({ 'optimizer.lr': 0.1 });
  await run.logMetrics([{ key: 'train/lr', value: 0.1, step: 1, timestamp: T0 + 1 }]);
  for (let step = 1; step <= 3; step += 1) await run.logMetrics(epochPoints(step));
}

/**
 * Goes on with a resumed run through epoch 5 (100 ms later on the clock), as the trainer does: the
 * points at or below the last stored step of their metric are not logged again.
 */
export async function continueToEpochFive(run: RunHandle, lastSteps: Readonly<Record<string, number>>): Promise<void> {
  for (let step = 1; step <= 5; step += 1) {
    const points = epochPoints(step, 100).filter((point) => step > (lastSteps[point.key] ?? Number.NEGATIVE_INFINITY));
    if (points.length > 0) await run.logMetrics(points);
  }
}

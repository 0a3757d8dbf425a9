import { randomInt, randomUUID } from 'node:crypto';

/** Digits of an experiment id made by MLflow 2.12's file store (`_EXPERIMENT_ID_FIXED_WIDTH`). */
export const EXPERIMENT_ID_DIGITS = 18;

/**
 * A new experiment id as MLflow 2.12's file store makes them: a random 18-digit decimal integer
 * with no leading zero, as a string.
 */
export function newExperimentId(): string {
  let id = String(randomInt(1, 10));
  while (id.length < EXPERIMENT_ID_DIGITS) id += String(randomInt(0, 10));
  return id;
}

/** A new run id as MLflow makes them: a random (version 4) UUID as 32 lower-case hex characters. */
export function newRunId(): string {
  return randomUUID().replaceAll('-', '');
}

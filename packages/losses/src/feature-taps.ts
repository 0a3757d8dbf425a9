import type * as tf from '@tensorflow/tfjs-core';
import type { LossContext, ModelOutput } from '@kdlab/core';
import { z } from 'zod';

/** Formats a shape for error messages, e.g. `[14,14,32]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** The zod schema of a feature tap's name: a non-empty string. */
export function tapName(role: string): z.ZodString {
  return z
    .string({ error: `${role} must be the name of a feature tap (a string).` })
    .min(1, { error: `${role} must be a non-empty feature tap name.` });
}

/** The zod schema of one student/teacher tap pair, used by losses that compare several layers. */
export const tapPairSchema = z.strictObject({
  /** Name of the student feature tap. */
  student: tapName('student').describe('Name of the student feature tap.'),
  /** Name of the teacher feature tap. */
  teacher: tapName('teacher').describe('Name of the teacher feature tap.'),
});

/** A student/teacher feature tap pair, e.g. `{ student: 'block2', teacher: 'block3' }`. */
export type TapPair = z.output<typeof tapPairSchema>;

/** The zod schema of a non-empty list of tap pairs. */
export const tapPairsSchema = z
  .array(tapPairSchema, { error: 'pairs must be a list of { student, teacher } tap names.' })
  .min(1, { error: 'pairs must name at least one { student, teacher } pair of feature taps.' });

/** The shapes (without batch) of one tap pair, as checked at `create`. */
export interface TapPairShapes {
  /** The pair's tap names. */
  pair: TapPair;
  /** Shape of the student tap, without the batch axis. */
  studentShape: number[];
  /** Shape of the teacher tap, without the batch axis. */
  teacherShape: number[];
}

/** Lists a model's taps with their shapes for error messages: `block1 [28,28,8], block2 [14,14,16]`. */
function listTaps(shapes: Record<string, number[]>): string {
  const entries = Object.entries(shapes);
  return entries.length === 0 ? 'none' : entries.map(([name, shape]) => `${name} ${formatShape(shape)}`).join(', ');
}

/** Describes one side of a pair for an error message: `student tap "block2" [14,14,16]` or `... (missing)`. */
export function describeTap(role: 'student' | 'teacher', name: string, shape: readonly number[] | undefined): string {
  return `${role} tap "${name}" ${shape === undefined ? '(missing)' : formatShape(shape)}`;
}

/**
 * Throws unless the run has a teacher: feature and logit distillation losses need one.
 *
 * @param lossId - the loss being created, named in the error.
 * @param context - the loss context of the run.
 * @param what - what the loss reads from the teacher (`logits`, `feature taps`), named in the error.
 */
export function requireTeacher(lossId: string, context: LossContext, what: string): void {
  if (!context.hasTeacher) {
    throw new Error(
      `${lossId} loss: this run has no teacher, but the ${lossId} loss distils from the teacher's ${what}. ` +
        `Add a teacher to the experiment or remove the ${lossId} term.`,
    );
  }
}

/**
 * Looks up the shapes of a student/teacher tap pair at `create`, before any training.
 *
 * @param lossId - the loss being created, named in the error.
 * @param pair - the tap names.
 * @param context - the run's loss context (its feature shapes).
 * @returns both shapes.
 * @throws Error naming both taps and both shapes (or which is missing, with the taps the model has).
 */
export function resolveTapPair(lossId: string, pair: TapPair, context: LossContext): TapPairShapes {
  const studentShape = context.studentFeatureShapes[pair.student];
  const teacherShape = context.teacherFeatureShapes[pair.teacher];
  if (studentShape === undefined || teacherShape === undefined) {
    const missing =
      studentShape === undefined
        ? `the student has no feature tap "${pair.student}" (its taps: ${listTaps(context.studentFeatureShapes)})`
        : `the teacher has no feature tap "${pair.teacher}" (its taps: ${listTaps(context.teacherFeatureShapes)})`;
    throw new Error(
      `${lossId} loss: ${missing}; cannot pair ${describeTap('student', pair.student, studentShape)} ` +
        `with ${describeTap('teacher', pair.teacher, teacherShape)}.`,
    );
  }
  return { pair, studentShape: [...studentShape], teacherShape: [...teacherShape] };
}

/**
 * The error of a tap pair whose shapes cannot be matched, naming both layers and both shapes.
 *
 * @param lossId - the loss, named first.
 * @param shapes - the pair and its shapes.
 * @param reason - why they cannot be matched, e.g. `attention maps need the same spatial size`.
 */
export function tapShapeError(lossId: string, shapes: TapPairShapes, reason: string): Error {
  return new Error(
    `${lossId} loss: ${describeTap('student', shapes.pair.student, shapes.studentShape)} and ` +
      `${describeTap('teacher', shapes.pair.teacher, shapes.teacherShape)} cannot be matched: ${reason}.`,
  );
}

/**
 * Takes a feature tap from a model's outputs at `compute` and checks its shape against the one
 * checked at `create`.
 *
 * @param lossId - the loss computing, named in the error.
 * @param role - which model the output belongs to.
 * @param output - the model's outputs for the batch.
 * @param name - the tap's name.
 * @param shape - the tap's shape without batch, as given to `create`.
 * @returns the tap's tensor, `[batch, ...shape]`.
 */
export function takeTap(lossId: string, role: 'student' | 'teacher', output: ModelOutput, name: string, shape: readonly number[]): tf.Tensor {
  const tensor = output.features[name];
  if (tensor === undefined) {
    const present = Object.keys(output.features);
    throw new Error(
      `${lossId} loss: the ${role}'s outputs have no feature tap "${name}" (present: ${present.length === 0 ? 'none' : present.join(', ')}).`,
    );
  }
  const same = tensor.rank === shape.length + 1 && shape.every((size, axis) => tensor.shape[axis + 1] === size);
  if (!same) {
    throw new Error(
      `${lossId} loss: ${role} tap "${name}" has shape ${formatShape(tensor.shape)}, expected [batch,${shape.join(',')}] as given to create().`,
    );
  }
  return tensor;
}

/**
 * Takes both taps of a pair at `compute`: the student's and the teacher's, with the same batch size.
 *
 * @param lossId - the loss computing, named in the error.
 * @param shapes - the pair and the shapes checked at `create`.
 * @param student - the student's outputs.
 * @param teacher - the teacher's outputs (an error when absent).
 * @returns the student tap and the teacher tap.
 */
export function takeTapPair(
  lossId: string,
  shapes: TapPairShapes,
  student: ModelOutput,
  teacher: ModelOutput | undefined,
): [tf.Tensor, tf.Tensor] {
  if (teacher === undefined) {
    throw new Error(`${lossId} loss: compute() was given no teacher outputs (inputs.teacher is undefined).`);
  }
  const studentTap = takeTap(lossId, 'student', student, shapes.pair.student, shapes.studentShape);
  const teacherTap = takeTap(lossId, 'teacher', teacher, shapes.pair.teacher, shapes.teacherShape);
  if (studentTap.shape[0] !== teacherTap.shape[0]) {
    throw new Error(
      `${lossId} loss: student tap "${shapes.pair.student}" ${formatShape(studentTap.shape)} and teacher tap ` +
        `"${shapes.pair.teacher}" ${formatShape(teacherTap.shape)} have different batch sizes.`,
    );
  }
  return [studentTap, teacherTap];
}

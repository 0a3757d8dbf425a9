import { z } from 'zod';
import { argmaxRow } from './classification-metrics.js';

/**
 * A post-hoc shift of some classes' output biases, chosen on validation (Hinton et al. 2015, section
 * 3: a student that never saw a 3 gets most 3s right once the 3's bias is raised by 3.5). The same
 * shift is added to the logits of every listed class; the shift that maximises validation accuracy
 * over the grid `0, step, 2 step, ..., max` is kept (the smallest on ties), and applied to the test set.
 */
export const biasShiftSchema = z
  .object({
    /** The classes whose bias is shifted. Default: the classes the transfer set (`data.transfer`) leaves out. */
    classes: z.array(z.number().int().min(0)).min(1).optional(),
    /** The largest shift tried. Default 10. */
    max: z.number().positive().default(10),
    /** The grid's spacing. Default 0.1. */
    step: z.number().positive().default(0.1),
  })
  .strict();

/** A bias-shift setting after defaults. */
export type BiasShiftSettings = z.output<typeof biasShiftSchema>;

/** Logits with `shift` added to the columns `classes` (a new array). */
export function shiftLogits(logits: Float32Array, numClasses: number, classes: readonly number[], shift: number): Float32Array {
  const out = Float32Array.from(logits);
  for (let row = 0; row < out.length; row += numClasses) for (const c of classes) out[row + c]! += shift;
  return out;
}

/** How many rows' arg-max equals their label. */
function hits(logits: Float32Array, labels: Int32Array, numClasses: number): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (argmaxRow(logits, i * numClasses, numClasses) === labels[i]) correct += 1;
  return correct;
}

/** The shift {@link chooseBiasShift} chose, and the validation accuracy with it. */
export interface ChosenBiasShift {
  /** The shift added to the classes' logits. */
  shift: number;
  /** Validation accuracy with the shift. */
  valAccuracy: number;
  /** Validation accuracy without it. */
  valAccuracyUnshifted: number;
}

/** Chooses the shift of `classes`' logits that maximises accuracy on the validation logits (see {@link biasShiftSchema}). */
export function chooseBiasShift(valLogits: Float32Array, valLabels: Int32Array, numClasses: number, classes: readonly number[], settings: BiasShiftSettings): ChosenBiasShift {
  if (valLabels.length === 0) throw new RangeError('evaluate.biasShift: the validation set is empty, so no shift can be chosen on it');
  for (const c of classes) if (c >= numClasses) throw new RangeError(`evaluate.biasShift.classes: class ${c} does not exist (the dataset has classes 0 to ${numClasses - 1})`);
  const unshifted = hits(valLogits, valLabels, numClasses);
  let best = { shift: 0, correct: unshifted };
  const points = Math.floor(settings.max / settings.step + 1e-9);
  for (let k = 1; k <= points; k++) {
    const shift = Math.round(k * settings.step * 1e9) / 1e9;
    const correct = hits(shiftLogits(valLogits, numClasses, classes, shift), valLabels, numClasses);
    if (correct > best.correct) best = { shift, correct };
  }
  return { shift: best.shift, valAccuracy: best.correct / valLabels.length, valAccuracyUnshifted: unshifted / valLabels.length };
}

/** Test errors in all and per true class. */
export interface ErrorCounts {
  /** Misclassified examples. */
  errors: number;
  /** Misclassified examples of each true class. */
  byClass: number[];
}

/** Counts the misclassified rows, in all and by true class. */
export function countErrors(logits: Float32Array, labels: Int32Array, numClasses: number): ErrorCounts {
  const byClass = new Array<number>(numClasses).fill(0);
  let errors = 0;
  for (let i = 0; i < labels.length; i++) {
    if (argmaxRow(logits, i * numClasses, numClasses) !== labels[i]) {
      errors += 1;
      byClass[labels[i]!]! += 1;
    }
  }
  return { errors, byClass };
}

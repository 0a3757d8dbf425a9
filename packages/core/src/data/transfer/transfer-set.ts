import { z } from 'zod';

const classIndex = z.number().int().min(0);

/**
 * Which training examples the *students* (baseline and distilled alike) learn from: the transfer set
 * of Hinton et al. (2015). The teacher always trains on the whole training split, and validation and
 * test stay whole, so a student is judged on every class, including those it never saw.
 *
 * The filters apply in order: first by class (`classes` keeps, `omitClasses` drops), then by size
 * (`count` or `fraction` of what is left, stratified by class and drawn with a seeded shuffle).
 */
export const transferSetSchema = z
  .object({
    /** Keep only the examples of these classes (`[7, 8]`: the 7s and 8s). */
    classes: z.array(classIndex).min(1, 'keep at least one class').optional(),
    /** Drop the examples of these classes (`[3]`: no 3s). */
    omitClasses: z.array(classIndex).min(1, 'omit at least one class').optional(),
    /** Keep this many examples (stratified by class). */
    count: z.number().int().positive().optional(),
    /** Keep this fraction of the examples (stratified by class), e.g. `0.03`. */
    fraction: z.number().gt(0).max(1).optional(),
  })
  .strict()
  .refine((t) => t.classes === undefined || t.omitClasses === undefined, { message: 'give classes or omitClasses, not both', path: ['omitClasses'] })
  .refine((t) => t.count === undefined || t.fraction === undefined, { message: 'give count or fraction, not both', path: ['fraction'] });

/** A transfer set as written in an experiment. */
export type TransferSet = z.output<typeof transferSetSchema>;

/** The classes a transfer set keeps, out of `numClasses` (every class when it filters none). */
export function transferClasses(transfer: TransferSet | undefined, numClasses: number): number[] {
  const all = Array.from({ length: numClasses }, (_, c) => c);
  if (transfer?.classes) return all.filter((c) => transfer.classes!.includes(c));
  if (transfer?.omitClasses) return all.filter((c) => !transfer.omitClasses!.includes(c));
  return all;
}

/** The classes a transfer set leaves out, out of `numClasses`. */
export function omittedClasses(transfer: TransferSet | undefined, numClasses: number): number[] {
  const kept = new Set(transferClasses(transfer, numClasses));
  return Array.from({ length: numClasses }, (_, c) => c).filter((c) => !kept.has(c));
}

import type { LossDefinition } from '@kdlab/core';
import { describe, it } from 'vitest';
import { expectClose } from './expect-close.js';
import { runFeatureCase } from './feature-inputs.js';
import { flatNumbers, type FeatureGoldenCase } from './golden.js';

/** Tolerances of a golden comparison: `|actual − expected| ≤ absolute + relative·|expected|`. */
export interface GoldenTolerance {
  /** Absolute tolerance on the loss value. */
  valueAbsolute: number;
  /** Relative tolerance on the loss value. */
  valueRelative: number;
  /** Absolute tolerance on each gradient entry. */
  gradientAbsolute: number;
  /** Relative tolerance on each gradient entry. */
  gradientRelative: number;
}

/** The tolerance stated in a test name: `value within 1e-6 + 1e-5·|value|, gradients within ...`. */
export function describeTolerance(tolerance: GoldenTolerance): string {
  return (
    `value within ${tolerance.valueAbsolute} + ${tolerance.valueRelative}·|value|, ` +
    `gradients within ${tolerance.gradientAbsolute} + ${tolerance.gradientRelative}·|g| per entry`
  );
}

/**
 * One test per golden case of a feature loss: the value and the gradients w.r.t. every student tap
 * (and the loss's variables, when the case fixes them) against the PyTorch reference.
 */
export function featureGoldenTests(definition: LossDefinition, cases: readonly FeatureGoldenCase[], reference: string, tolerance: GoldenTolerance): void {
  describe(`matches the PyTorch reference (${reference}) on every golden case (${describeTolerance(tolerance)})`, () => {
    for (const testCase of cases) {
      it(testCase.name, () => {
        const result = runFeatureCase(definition, testCase);
        expectClose([result.value], [testCase.loss], tolerance.valueAbsolute, tolerance.valueRelative);
        for (const [name, expected] of Object.entries(testCase.gradStudent)) {
          expectClose(result.gradStudent[name] ?? [], flatNumbers(expected), tolerance.gradientAbsolute, tolerance.gradientRelative);
        }
        (testCase.gradVariables ?? []).forEach((expected, index) => {
          expectClose(result.gradVariables[index] ?? [], flatNumbers(expected), tolerance.gradientAbsolute, tolerance.gradientRelative);
        });
      });
    }
  });
}

import type { LossDefinition } from '@kdlab/core';

/**
 * What a loss's documentation page says beyond its definition: the formula, the details worth
 * knowing, and an example term. Options (types, defaults, descriptions), needs, the one-line
 * description and the reference are read from the {@link LossDefinition} itself.
 */
export interface LossDocumentation {
  /** The documented loss. */
  readonly loss: LossDefinition;
  /** A short title, e.g. `FitNets hints`. */
  readonly title: string;
  /** The formula, as plain text lines (rendered in a text block). */
  readonly formula: readonly string[];
  /** Details worth knowing (reductions, what is a constant, how it departs from the reference code), one bullet each. */
  readonly details: readonly string[];
  /** Options of an example term, valid for the loss's schema. */
  readonly example: Readonly<Record<string, unknown>>;
  /** The example term's weight (the paper's, where the paper gives one). */
  readonly exampleWeight: number;
}

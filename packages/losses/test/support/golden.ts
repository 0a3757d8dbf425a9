import { readFileSync } from 'node:fs';

/** One PyTorch reference case of the `ce` loss. */
export interface CeGoldenCase {
  /** What the case covers. */
  name: string;
  /** Student logits `[batch, classes]`. */
  student: number[][];
  /** Integer labels `[batch]`. */
  labels: number[];
  /** The loss options. */
  options: { labelSmoothing: number };
  /** `F.cross_entropy(student, labels, label_smoothing)`. */
  loss: number;
  /** Its gradient w.r.t. the student logits. */
  gradStudent: number[][];
}

/** One PyTorch reference case of the `hinton` loss. */
export interface HintonGoldenCase {
  /** What the case covers. */
  name: string;
  /** Student logits `[batch, classes]`. */
  student: number[][];
  /** Teacher logits `[batch, classes]`. */
  teacher: number[][];
  /** The loss options. */
  options: { temperature: number };
  /** `F.kl_div(log_softmax(s/T), softmax(t/T), reduction='batchmean') * T * T`. */
  loss: number;
  /** Its gradient w.r.t. the student logits. */
  gradStudent: number[][];
}

/** The contents of `fixtures/golden.json`, written by `fixtures/generate_golden.py`. */
export interface GoldenFile {
  /** The `ce` cases. */
  ce: CeGoldenCase[];
  /** The `hinton` cases. */
  hinton: HintonGoldenCase[];
}

/** Reads `fixtures/golden.json`. */
export function readGolden(): GoldenFile {
  return JSON.parse(readFileSync(new URL('../fixtures/golden.json', import.meta.url), 'utf8')) as GoldenFile;
}

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

/** A nested array of numbers, as JSON holds a tensor (`[batch, ...]`). */
export type NestedNumbers = number | NestedNumbers[];

/** One PyTorch reference case of a feature loss: taps by name, the loss and its gradients. */
export interface FeatureGoldenCase {
  /** What the case covers. */
  name: string;
  /** The loss options, as written in an experiment (defaults filled in by the schema). */
  options: Record<string, unknown>;
  /** The student's taps by name, channels-last `[batch, ...]`. */
  student: Record<string, NestedNumbers>;
  /** The teacher's taps by name. */
  teacher: Record<string, NestedNumbers>;
  /** Initial values of the loss's own variables, in `LossInstance.variables` order (hint: weights, bias). */
  variables?: NestedNumbers[];
  /** The reference loss value. */
  loss: number;
  /** Its gradient w.r.t. each student tap. */
  gradStudent: Record<string, NestedNumbers>;
  /** Its gradient w.r.t. each of the loss's variables. */
  gradVariables?: NestedNumbers[];
}

/** One PyTorch reference case of a logit loss that also reads the labels (dkd, dist). */
export interface LogitsGoldenCase {
  /** What the case covers. */
  name: string;
  /** The loss options. */
  options: Record<string, unknown>;
  /** Student logits `[batch, classes]`. */
  student: number[][];
  /** Teacher logits `[batch, classes]`. */
  teacher: number[][];
  /** Integer labels `[batch]`. */
  labels: number[];
  /** The reference loss value. */
  loss: number;
  /** Its gradient w.r.t. the student logits. */
  gradStudent: number[][];
}

/** One training step of a CRD reference case. */
export interface CrdGoldenStep {
  /** The batch's example indices (the positives' memory rows). */
  indices: number[];
  /** The negatives drawn for each example, `[batch, K]`. */
  negatives: number[][];
  /** The student's tap. */
  student: Record<string, NestedNumbers>;
  /** The teacher's tap. */
  teacher: Record<string, NestedNumbers>;
  /** The reference loss value at this step. */
  loss: number;
  /** Its gradient w.r.t. the student tap. */
  gradStudent: Record<string, NestedNumbers>;
  /** Its gradients w.r.t. the heads `[W_s, b_s, W_t, b_t]`. */
  gradVariables: NestedNumbers[];
  /** The normalising constants Z after this step. */
  normalizers: { student: number; teacher: number };
  /** The student's memory bank after this step's update. */
  studentMemoryAfter: number[][];
  /** The teacher's memory bank after this step's update. */
  teacherMemoryAfter: number[][];
}

/** One PyTorch reference case of the `crd` loss: initial state, then consecutive training steps. */
export interface CrdGoldenCase {
  /** What the case covers. */
  name: string;
  /** The loss options. */
  options: Record<string, unknown>;
  /** Rows of the memory bank. */
  trainSize: number;
  /** Initial heads `[W_s, b_s, W_t, b_t]`. */
  variables: NestedNumbers[];
  /** Initial student memory `[trainSize, embeddingSize]`. */
  studentMemory: number[][];
  /** Initial teacher memory. */
  teacherMemory: number[][];
  /** The steps, in order. */
  steps: CrdGoldenStep[];
}

/** The contents of `fixtures/golden.json`, written by `fixtures/generate_golden.py`. */
export interface GoldenFile {
  /** The `ce` cases. */
  ce: CeGoldenCase[];
  /** The `hinton` cases. */
  hinton: HintonGoldenCase[];
  /** The `hint` cases. */
  hint: FeatureGoldenCase[];
  /** The `at` cases. */
  at: FeatureGoldenCase[];
  /** The `sp` cases. */
  sp: FeatureGoldenCase[];
  /** The `rkd` cases. */
  rkd: FeatureGoldenCase[];
  /** The `pkt` cases. */
  pkt: FeatureGoldenCase[];
  /** The `nst` cases. */
  nst: FeatureGoldenCase[];
  /** The `crd` cases. */
  crd: CrdGoldenCase[];
  /** The `dkd` cases. */
  dkd: LogitsGoldenCase[];
  /** The `dist` cases. */
  dist: LogitsGoldenCase[];
  /** The `cosine` cases. */
  cosine: FeatureGoldenCase[];
}

let cached: GoldenFile | undefined;

/** Reads `fixtures/golden.json` (once per test file). */
export function readGolden(): GoldenFile {
  cached ??= JSON.parse(readFileSync(new URL('../fixtures/golden.json', import.meta.url), 'utf8')) as GoldenFile;
  return cached;
}

/** Every number of a nested array, in row-major order. */
export function flatNumbers(nested: NestedNumbers): number[] {
  return Array.isArray(nested) ? nested.flatMap(flatNumbers) : [nested];
}

/** The shape of a nested array (`[batch, ...]`). */
export function nestedShape(nested: NestedNumbers): number[] {
  if (!Array.isArray(nested)) return [];
  const [first] = nested;
  return first === undefined ? [0] : [nested.length, ...nestedShape(first)];
}

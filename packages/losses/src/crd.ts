import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { defineLoss, lossHelper, type LossContext, type LossInputs, type LossInstance, type LossState } from '@kdlab/core';
import { ContrastMemory } from './contrast-memory.js';
import { requireTeacher, resolveTapPair, takeTapPair, tapName } from './feature-taps.js';
import { checkStateNames, stateArray, stateValue } from './loss-state.js';
import { isGeneratorState, isSeededGenerator, seededGenerator, torchDefaultVariable, type UniformGenerator } from './seeded-random.js';
import { flattenBatch, l2Normalize } from './tensor-math.js';
import { stopGradient } from './stop-gradient.js';
import type { LossDocumentation } from './docs/loss-documentation.js';

/** Options of the `crd` loss (contrastive representation distillation). */
export const crdOptions = z.strictObject({
  /** The student's representation tap (any shape; flattened per example), e.g. the penultimate layer. */
  student: tapName('student').describe("The student's representation tap (any shape; flattened per example), e.g. its penultimate layer."),
  /** The teacher's representation tap (any shape; flattened per example). */
  teacher: tapName('teacher').describe("The teacher's representation tap (any shape; flattened per example)."),
  /** Size of the embedding both heads project onto. Default 128. */
  embeddingSize: z
    .number({ error: 'embeddingSize must be a whole number of at least 1.' })
    .int({ error: 'embeddingSize must be a whole number.' })
    .min(1, { error: 'embeddingSize must be at least 1.' })
    .default(128)
    .describe('Size of the shared embedding both linear heads project onto (128 in the paper).'),
  /** Number `K` of negatives drawn per example. Default 16384. */
  negatives: z
    .number({ error: 'negatives must be a whole number of at least 1.' })
    .int({ error: 'negatives must be a whole number.' })
    .min(1, { error: 'negatives must be at least 1.' })
    .default(16384)
    .describe('Number K of negatives drawn from the memory bank per example (16384 in the paper).'),
  /** Temperature τ of the exponential critic. Default 0.07. */
  temperature: z
    .number({ error: 'temperature must be a number above 0.' })
    .positive({ error: 'temperature must be above 0 (it divides the scores).' })
    .default(0.07)
    .describe('Temperature τ of the critic exp(⟨u, v⟩/τ) (0.07 in the paper).'),
  /** Momentum of the memory bank's update. Default 0.5. */
  momentum: z
    .number({ error: 'momentum must be a number in [0, 1).' })
    .min(0, { error: 'momentum must be at least 0.' })
    .lt(1, { error: 'momentum must be below 1 (1 would never update the memory bank).' })
    .default(0.5)
    .describe("Momentum m of the memory bank's update, row ← normalize(m·row + (1 − m)·embedding) (0.5 in the paper)."),
});

/** The parsed, defaulted options of the `crd` loss. */
export type CrdOptions = z.output<typeof crdOptions>;

/**
 * Draws the negatives of a batch: `batchSize · negatives` row indices in `[0, trainSize)`, row-major
 * `[batchSize, negatives]`. A plain function will do (tests pin the negatives so); a sampler that
 * also has `state` and `restore` has its position saved in the loss's state (see
 * {@link CrdLossInstance.saveState}).
 */
export interface NegativeSampler {
  /** Draws the negatives of a batch of `batchSize` examples, `negatives` each, from `[0, trainSize)`. */
  (batchSize: number, negatives: number, trainSize: number): Int32Array;
  /** The sampler's position (an integer in `[0, 2³²)`), when it can be saved. */
  state?(): number;
  /** Moves the sampler to a position `state()` returned. */
  restore?(state: number): void;
}

/**
 * A sampler drawing negatives uniformly, with replacement, from a seeded generator (RepDistiller's
 * `AliasMethod` on uniform weights). When the generator is a `SeededGenerator` (as `seededGenerator` makes), the sampler's
 * position is the generator's, and can be saved and restored.
 */
export function uniformNegativeSampler(random: UniformGenerator): NegativeSampler {
  const sample = (batchSize: number, negatives: number, trainSize: number): Int32Array => {
    const drawn = new Int32Array(batchSize * negatives);
    for (let index = 0; index < drawn.length; index += 1) drawn[index] = Math.floor(random() * trainSize);
    return drawn;
  };
  if (!isSeededGenerator(random)) return sample;
  return Object.assign(sample, { state: () => random.state(), restore: (state: number) => random.restore(state) });
}

/**
 * A created `crd` loss: a {@link LossInstance} whose memory bank and normalisers can be inspected,
 * and whose state beyond its heads (memory bank, normalisers, samplers' positions) can be saved and
 * restored.
 */
export interface CrdLossInstance extends LossInstance {
  /** The memory bank of both models' embeddings, `context.trainSize` rows each. */
  readonly memory: ContrastMemory;
  /** The NCE normalising constants `Z` of both critics, fixed at the first training batch. */
  normalizers(): CrdNormalizers;
  /**
   * The loss's state beyond its heads, copied (later steps leave it unchanged): `values`
   * `studentNormalizer`, `teacherNormalizer` (`null` before the first training batch),
   * `negativesPosition`, `evaluationNegativesPosition` (the training and evaluation samplers'
   * positions; `null` for a sampler that cannot save one); `arrays` `studentMemory`, `teacherMemory`
   * (the memory bank's rows, `trainSize × embeddingSize` floats each).
   */
  saveState(): LossState;
  /**
   * Restores a state {@link CrdLossInstance.saveState} returned, from an instance created with the
   * same options and context. Checks it whole before changing anything: an error names the field and,
   * for a memory array of another size, both sizes.
   */
  restoreState(state: LossState): void;
}

/** The names of a `crd` state's values. */
const CRD_STATE_VALUES = ['studentNormalizer', 'teacherNormalizer', 'negativesPosition', 'evaluationNegativesPosition'] as const;
/** The names of a `crd` state's arrays. */
const CRD_STATE_ARRAYS = ['studentMemory', 'teacherMemory'] as const;

/** The NCE normalising constants of a `crd` loss; each is `undefined` until the first training batch. */
export interface CrdNormalizers {
  /** `Z_s`, of the critic scoring the student's embedding against the teacher's memory. */
  student: number | undefined;
  /** `Z_t`, of the critic scoring the teacher's embedding against the student's memory. */
  teacher: number | undefined;
}

/** What a batch's scores are gathered with: the distinct memory rows used and each entry's column among them. */
interface ContrastIndex {
  /** The distinct memory rows the batch uses (positives and negatives). */
  rows: Int32Array;
  /** For each `(b, k)` of `[B, K + 1]` (k = 0 the positive), `b·rows.length + column of its row`. */
  flat: Int32Array;
}

/** Indexes the positives (`indices`) and negatives of a batch into the distinct memory rows they read. */
function contrastIndex(indices: Int32Array, negatives: Int32Array, perExample: number, trainSize: number): ContrastIndex {
  const batch = indices.length;
  const columnOf = new Int32Array(trainSize).fill(-1);
  const rows: number[] = [];
  const columns = new Int32Array(batch * (perExample + 1));
  const columnFor = (row: number): number => {
    let column = columnOf[row] ?? -1;
    if (column < 0) {
      column = rows.length;
      columnOf[row] = column;
      rows.push(row);
    }
    return column;
  };
  for (let b = 0; b < batch; b += 1) {
    columns[b * (perExample + 1)] = columnFor(indices[b] ?? 0);
    for (let k = 0; k < perExample; k += 1) columns[b * (perExample + 1) + k + 1] = columnFor(negatives[b * perExample + k] ?? 0);
  }
  const width = rows.length;
  const flat = columns.map((column, position) => Math.floor(position / (perExample + 1)) * width + column);
  return { rows: Int32Array.from(rows), flat };
}

/** RepDistiller's `eps` of the NCE loss. */
const NCE_EPS = 1e-7;

/**
 * The NCE loss of one critic's normalised scores `P` `[B, K + 1]` (column 0 the positive), with the
 * noise distribution uniform over the `N` training examples, `P_n = 1/N`:
 * `−(1/B) Σ_b [log(P_b0 / (P_b0 + K·P_n + ε)) + Σ_{k≥1} log(K·P_n / (P_bk + K·P_n + ε))]`.
 */
function nceLoss(scores: tf.Tensor2D, negatives: number, trainSize: number): tf.Scalar {
  const [batch] = scores.shape;
  const noise = negatives / trainSize;
  const positive = tf.slice(scores, [0, 0], [-1, 1]);
  const negative = tf.slice(scores, [0, 1], [-1, -1]);
  const logPositive = tf.log(tf.div(positive, tf.add(positive, noise + NCE_EPS)));
  const logNegative = tf.log(tf.div(noise, tf.add(negative, noise + NCE_EPS)));
  return tf.div(tf.neg(tf.add(tf.sum(logPositive), tf.sum(logNegative))), batch) as tf.Scalar;
}

/**
 * Creates a `crd` loss with a given negative sampler (the definition's `create` uses
 * {@link uniformNegativeSampler} seeded from `context.seed`); tests pass their own to pin the negatives.
 *
 * @param options - parsed options.
 * @param context - the run's loss context (its taps' shapes, `trainSize`, `seed`).
 * @param sampler - draws the negatives of each training batch.
 * @param evaluationSampler - draws the negatives of batches computed with `training: false`, so that
 *   evaluating never shifts the training draws (default: a second seeded stream).
 */
export function createCrdLoss(
  options: CrdOptions,
  context: LossContext,
  sampler: NegativeSampler = uniformNegativeSampler(seededGenerator(context.seed, 'crd/negatives')),
  evaluationSampler: NegativeSampler = uniformNegativeSampler(seededGenerator(context.seed, 'crd/evaluation-negatives')),
): CrdLossInstance {
  requireTeacher('crd', context, 'feature taps');
  const shapes = resolveTapPair('crd', { student: options.student, teacher: options.teacher }, context);
  const { trainSize } = context;
  if (!Number.isInteger(trainSize) || trainSize < 1) {
    throw new Error(`crd loss: the memory bank holds one row per training example, so context.trainSize must be a positive integer, got ${trainSize}.`);
  }
  const { embeddingSize, negatives, temperature, momentum } = options;
  const studentSize = shapes.studentShape.reduce((product, size) => product * size, 1);
  const teacherSize = shapes.teacherShape.reduce((product, size) => product * size, 1);
  const random = seededGenerator(context.seed, 'crd/heads');
  const studentWeights = torchDefaultVariable([studentSize, embeddingSize], studentSize, random, 'kdlab.crd.studentWeights');
  const studentBias = torchDefaultVariable([embeddingSize], studentSize, random, 'kdlab.crd.studentBias');
  const teacherWeights = torchDefaultVariable([teacherSize, embeddingSize], teacherSize, random, 'kdlab.crd.teacherWeights');
  const teacherBias = torchDefaultVariable([embeddingSize], teacherSize, random, 'kdlab.crd.teacherBias');
  const memory = new ContrastMemory(trainSize, embeddingSize, seededGenerator(context.seed, 'crd/memory'));
  let studentNormalizer: number | undefined;
  let teacherNormalizer: number | undefined;
  const samplers = [
    ['negativesPosition', sampler],
    ['evaluationNegativesPosition', evaluationSampler],
  ] as const;

  return {
    variables: [studentWeights, studentBias, teacherWeights, teacherBias],
    memory,
    normalizers: () => ({ student: studentNormalizer, teacher: teacherNormalizer }),
    saveState(): LossState {
      const values: Record<string, number | null> = { studentNormalizer: studentNormalizer ?? null, teacherNormalizer: teacherNormalizer ?? null };
      for (const [name, drawer] of samplers) values[name] = drawer.state ? drawer.state() : null;
      return { values, arrays: { studentMemory: memory.studentRows.slice(), teacherMemory: memory.teacherRows.slice() } };
    },
    restoreState(state: LossState): void {
      checkStateNames('crd', state, CRD_STATE_VALUES, CRD_STATE_ARRAYS);
      const normalizer = 'a number (NCE normaliser Z), or null before the first training batch';
      const student = stateValue('crd', state, 'studentNormalizer', () => true, normalizer);
      const teacher = stateValue('crd', state, 'teacherNormalizer', () => true, normalizer);
      if ((student === null) !== (teacher === null)) {
        throw new Error(
          `crd loss: cannot restore its state: values.studentNormalizer is ${String(student)} but values.teacherNormalizer is ${String(teacher)}; both are set on the first training batch, so both are null or both numbers.`,
        );
      }
      const positions = samplers.map(([name, drawer]) => {
        if (drawer.state && drawer.restore) {
          return stateValue('crd', state, name, isGeneratorState, "the sampler's position, an integer in [0, 4294967295]");
        }
        return stateValue('crd', state, name, (value) => value === null, "null: this instance's sampler has no position to restore (it was given to createCrdLoss)");
      });
      const rows = `${memory.size} rows × ${memory.dimension}`;
      const studentRows = stateArray('crd', state, 'studentMemory', memory.studentRows.length, `the student memory bank (${rows})`);
      const teacherRows = stateArray('crd', state, 'teacherMemory', memory.teacherRows.length, `the teacher memory bank (${rows})`);
      studentNormalizer = student ?? undefined;
      teacherNormalizer = teacher ?? undefined;
      samplers.forEach(([, drawer], index) => {
        const position = positions[index];
        if (drawer.restore && position !== null && position !== undefined) drawer.restore(position);
      });
      memory.studentRows.set(studentRows);
      memory.teacherRows.set(teacherRows);
    },
    compute(inputs: LossInputs): tf.Scalar {
      const [studentTap, teacherTap] = takeTapPair('crd', shapes, inputs.student, inputs.teacher);
      const batch = studentTap.shape[0] ?? 0;
      const { indices } = inputs;
      if (indices.length !== batch) {
        throw new Error(`crd loss: inputs.indices holds ${indices.length} indices for a batch of ${batch} (student tap "${options.student}").`);
      }
      indices.forEach((index, position) => {
        if (!Number.isInteger(index) || index < 0 || index >= trainSize) {
          throw new Error(`crd loss: inputs.indices[${position}] is ${index}, outside the memory bank's rows [0, ${trainSize - 1}] (context.trainSize ${trainSize}).`);
        }
      });
      const drawn = (inputs.training ? sampler : evaluationSampler)(batch, negatives, trainSize);
      const index = contrastIndex(indices, drawn, negatives, trainSize);
      const studentMemory = memory.gather('student', index.rows);
      const teacherMemory = memory.gather('teacher', index.rows);
      let studentEmbeddings: Float32Array | undefined;
      let teacherEmbeddings: Float32Array | undefined;
      const value = tf.tidy(() => {
        const embed = (tap: tf.Tensor, weights: tf.Variable, bias: tf.Variable) =>
          l2Normalize(tf.add(tf.matMul(flattenBatch(tap), weights as tf.Tensor2D), bias), 1) as tf.Tensor2D;
        const student = embed(studentTap, studentWeights, studentBias);
        const teacher = embed(stopGradient(teacherTap), teacherWeights, teacherBias);
        const flat = tf.tensor1d(index.flat, 'int32');
        const critic = (anchor: tf.Tensor2D, rows: Float32Array) => {
          const bank = tf.tensor2d(rows, [index.rows.length, embeddingSize]);
          const scores = tf.reshape(tf.matMul(anchor, bank, false, true), [-1]);
          return tf.exp(tf.div(tf.reshape(tf.gather(scores, flat), [batch, negatives + 1]), temperature)) as tf.Tensor2D;
        };
        // The student's embedding against the teacher's memory, and the teacher's against the student's.
        const studentCritic = critic(student, teacherMemory);
        const teacherCritic = critic(teacher, studentMemory);
        const studentZ = studentNormalizer ?? (tf.mean(studentCritic).dataSync()[0] ?? Number.NaN) * trainSize;
        const teacherZ = teacherNormalizer ?? (tf.mean(teacherCritic).dataSync()[0] ?? Number.NaN) * trainSize;
        if (inputs.training) {
          studentNormalizer = studentZ;
          teacherNormalizer = teacherZ;
          studentEmbeddings = Float32Array.from(student.dataSync());
          teacherEmbeddings = Float32Array.from(teacher.dataSync());
        }
        const studentLoss = nceLoss(tf.div(studentCritic, studentZ) as tf.Tensor2D, negatives, trainSize);
        const teacherLoss = nceLoss(tf.div(teacherCritic, teacherZ) as tf.Tensor2D, negatives, trainSize);
        return tf.add(studentLoss, teacherLoss) as tf.Scalar;
      });
      if (studentEmbeddings && teacherEmbeddings) memory.update(indices, studentEmbeddings, teacherEmbeddings, momentum);
      return value;
    },
    dispose(): void {
      for (const variable of [studentWeights, studentBias, teacherWeights, teacherBias]) variable.dispose();
    },
  };
}

/**
 * Contrastive representation distillation: the student's representation must let a critic tell the
 * teacher's representation of the same input (the positive) from those of `K` other inputs (the
 * negatives), which bounds from below the mutual information between the two representations.
 *
 * Both taps are flattened and projected by trainable linear heads onto an `embeddingSize` embedding,
 * L2-normalised: `u = n(W_s s + b_s)`, `v = n(W_t t + b_t)`. A memory bank keeps one embedding per
 * training example for each model (`context.trainSize` rows, indexed by `inputs.indices`). For each
 * example, column 0 is its own row and `K` negatives are drawn uniformly with replacement from a
 * generator seeded by `context.seed`. The critic of the student side is `h = exp(⟨u, v_mem⟩/τ)/Z_s`
 * against the teacher's memory, and symmetrically for the teacher side against the student's memory,
 * with `Z = N·mean(exp(·/τ))` fixed on the first training batch. Each side's NCE loss, with noise
 * `P_n = 1/N`, is
 *
 * `L_side = −(1/B) Σ_b [log(h_b0 / (h_b0 + K/N + ε)) + Σ_{k=1..K} log((K/N) / (h_bk + K/N + ε))]`, and `L = L_s + L_t`
 *
 * (the paper's equations 18 to 20, as RepDistiller's `CRDLoss`). After the loss, when
 * `inputs.training`, both memories' rows of the batch move to `normalize(m·row + (1 − m)·embedding)`;
 * evaluation leaves the memory and `Z` untouched. The memory bank, both `Z` and the positions of the
 * training and evaluation negatives' generators are the loss's state beyond its variables
 * ({@link CrdLossInstance.saveState}), saved in checkpoints so that a resumed training draws and
 * computes exactly what an uninterrupted one would. The heads are the loss's
 * {@link LossInstance.variables} (`[W_s, b_s, W_t, b_t]`, PyTorch's default initialisation, seeded),
 * trained with the student; the teacher's tap is a constant.
 *
 * Simplified with respect to RepDistiller: negatives are drawn from every training example
 * (RepDistiller's CIFAR loader draws them from other classes only, its `ContrastMemory` sampler from
 * all), so a negative may share the positive's class or, rarely, be the positive itself. The paper's
 * `β = 0.8` belongs in the term's weight.
 *
 * Reference: Tian, Krishnan, Isola 2020, "Contrastive Representation Distillation", ICLR, arXiv:1910.10699.
 */
export const crdLoss = defineLoss({
  id: 'crd',
  description: "Contrastive representation distillation: NCE with a memory bank tells the teacher's embedding of the same input from K others.",
  reference: 'Tian, Krishnan, Isola 2020, "Contrastive Representation Distillation", ICLR 2020, arXiv:1910.10699',
  options: crdOptions,
  needs: (options) => ({ teacherLogits: false, studentFeatures: [options.student], teacherFeatures: [options.teacher] }),
  create: (options, context): LossInstance => createCrdLoss(options, context),
});

/**
 * Experiment helper of the `crd` loss: `crd({ student: 'penultimate', teacher: 'penultimate', weight: 0.8 })`.
 * Returns plain data `{ kind: 'crd', ... }`, validated against {@link crdOptions} when the experiment is resolved.
 */
export const crd = lossHelper(crdLoss);

/** The documentation page of the `crd` loss (`docs/losses/crd.md`), rendered by `scripts/generate-loss-docs.ts`. */
export const crdDocumentation: LossDocumentation = {
  loss: crdLoss,
  title: 'contrastive representation distillation',
  formula: [
    'u = n(W_s·s + b_s), v = n(W_t·t + b_t)    (taps flattened; n = L2 normalisation; heads trainable)',
    'h_s(b, k) = exp(⟨u_b, M_t[j_bk]⟩ / τ) / Z_s,  h_t(b, k) = exp(⟨v_b, M_s[j_bk]⟩ / τ) / Z_t',
    '  j_b0 = indices[b] (the positive), j_b1..j_bK drawn uniformly from [0, N)',
    '  Z = N · mean exp(·/τ), fixed on the first training batch',
    'L_side = −(1/B) Σ_b [ log(h_b0 / (h_b0 + K/N + ε)) + Σ_{k=1..K} log((K/N) / (h_bk + K/N + ε)) ],  ε = 1e-7',
    'L = L_s + L_t',
    'after a training step: M[indices[b]] ← n(m·M[indices[b]] + (1 − m)·embedding_b), for both memories',
  ],
  details: [
    'The memory bank holds one embedding per training example for each model (`context.trainSize` rows), addressed by the batch\'s `inputs.indices`; it is updated only when `inputs.training`, and evaluation leaves it and Z untouched.',
    'Negatives are drawn with a generator seeded from the run\'s seed, so a run is reproducible.',
    'Its memory bank, normalisers and sampler positions are saved in checkpoints, so a resumed training computes exactly what an uninterrupted one would.',
    'The heads `[W_s, b_s, W_t, b_t]` are the loss\'s own variables (PyTorch\'s default initialisation, seeded), trained with the student.',
    'Simplified: negatives come from every training example (RepDistiller\'s CIFAR loader draws them from other classes only; its ContrastMemory sampler from all), so a negative may share the positive\'s class or, rarely, be the positive itself.',
    'The cost of a step grows with the distinct memory rows it reads (at most `min(N, B·(K + 1))`); the paper\'s β = 0.8 goes in the term\'s weight.',
  ],
  example: { student: 'penultimate', teacher: 'penultimate' },
  exampleWeight: 0.8,
};

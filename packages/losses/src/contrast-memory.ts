import { uniformValues, type UniformGenerator } from './seeded-random.js';

/**
 * CRD's memory bank: one embedding per training example for each model, `size × dimension` floats
 * each, kept in plain typed arrays (rows are read and written a batch at a time, never differentiated).
 *
 * Initialised as RepDistiller's `ContrastMemory`: uniform in `±1/√(dimension/3)`, so that a row's
 * expected norm is 1. {@link ContrastMemory.update} moves the rows of a batch's examples towards
 * their new embeddings with momentum and renormalises them.
 */
export class ContrastMemory {
  /** Number of rows: the training split's size. */
  readonly size: number;
  /** Length of each row: the embedding size. */
  readonly dimension: number;
  /** The student's embeddings, row-major `[size, dimension]` (RepDistiller's `memory_v1`). */
  readonly studentRows: Float32Array;
  /** The teacher's embeddings, row-major `[size, dimension]` (RepDistiller's `memory_v2`). */
  readonly teacherRows: Float32Array;

  /**
   * @param size - rows (training examples).
   * @param dimension - floats per row.
   * @param random - the generator of the initial rows (student's first, then teacher's).
   */
  constructor(size: number, dimension: number, random: UniformGenerator) {
    this.size = size;
    this.dimension = dimension;
    const bound = 1 / Math.sqrt(dimension / 3);
    this.studentRows = uniformValues(size * dimension, bound, random);
    this.teacherRows = uniformValues(size * dimension, bound, random);
  }

  /**
   * Copies the rows at `indices` of one side into a new `[indices.length, dimension]` array.
   *
   * @param side - which model's embeddings.
   * @param indices - row indices, each in `[0, size)`.
   */
  gather(side: 'student' | 'teacher', indices: Int32Array): Float32Array {
    const rows = side === 'student' ? this.studentRows : this.teacherRows;
    const { dimension } = this;
    const out = new Float32Array(indices.length * dimension);
    indices.forEach((row, position) => out.set(rows.subarray(row * dimension, (row + 1) * dimension), position * dimension));
    return out;
  }

  /**
   * The momentum update of RepDistiller's `ContrastMemory`, for both sides: for each example `i` of
   * the batch, `row_i ← normalize(m·row_i + (1 − m)·v_i)`. Every new row is computed from the rows
   * before the update; when an index repeats, the last occurrence is kept.
   *
   * @param indices - the batch's example indices, `[B]`.
   * @param studentEmbeddings - the student's embeddings of the batch, row-major `[B, dimension]`.
   * @param teacherEmbeddings - the teacher's embeddings of the batch, row-major `[B, dimension]`.
   * @param momentum - `m`, the share of the old row that is kept.
   */
  update(indices: Int32Array, studentEmbeddings: Float32Array, teacherEmbeddings: Float32Array, momentum: number): void {
    const studentNew = this.#moved(this.studentRows, indices, studentEmbeddings, momentum);
    const teacherNew = this.#moved(this.teacherRows, indices, teacherEmbeddings, momentum);
    const { dimension } = this;
    indices.forEach((row, position) => {
      this.studentRows.set(studentNew.subarray(position * dimension, (position + 1) * dimension), row * dimension);
      this.teacherRows.set(teacherNew.subarray(position * dimension, (position + 1) * dimension), row * dimension);
    });
  }

  /** The normalised momentum mixes of one side's rows with the batch's embeddings, `[B, dimension]`. */
  #moved(rows: Float32Array, indices: Int32Array, embeddings: Float32Array, momentum: number): Float32Array {
    const { dimension } = this;
    const out = new Float32Array(indices.length * dimension);
    indices.forEach((row, position) => {
      let squaredNorm = 0;
      for (let k = 0; k < dimension; k += 1) {
        const mixed = momentum * (rows[row * dimension + k] ?? 0) + (1 - momentum) * (embeddings[position * dimension + k] ?? 0);
        out[position * dimension + k] = mixed;
        squaredNorm += mixed * mixed;
      }
      const norm = Math.max(Math.sqrt(squaredNorm), 1e-12); // an all-zero mix stays zero instead of NaN
      for (let k = 0; k < dimension; k += 1) out[position * dimension + k] = (out[position * dimension + k] ?? 0) / norm;
    });
    return out;
  }
}

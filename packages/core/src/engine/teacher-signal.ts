import * as tf from '@tensorflow/tfjs-core';
import type { Model, ModelOutput } from '../model/model.js';

/**
 * Where a distillation step gets the teacher's outputs for its batch. Either way, no gradient
 * flows into the teacher: its outputs are constants of the student's step.
 */
export interface TeacherSignal {
  /** A description for logs: `cached logits` or `live forward`. */
  readonly mode: 'cached-logits' | 'live';
  /**
   * The teacher's outputs for one batch. The caller owns (and disposes) the returned tensors.
   * @param indices - the batch's example indices in the training split.
   * @param x - the batch's inputs.
   */
  outputs(indices: Int32Array, x: tf.Tensor): ModelOutput;
}

/**
 * The teacher's logits over the whole training set, computed once and gathered per batch,
 * so that a distillation step runs no teacher forward pass. Valid when the data is not augmented
 * and the losses need only the teacher's logits (the teacher is deterministic in inference mode).
 */
export class CachedTeacherLogits implements TeacherSignal {
  readonly mode = 'cached-logits' as const;
  readonly #rows: Float32Array;
  readonly #members: readonly Float32Array[];
  readonly #numClasses: number;
  #buffer: Float32Array;

  /**
   * @param logits - `count * numClasses` row-major logits of the training split (the ensemble's combination).
   * @param numClasses - width of a row.
   * @param members - for an ensemble, each member's logits in the same layout (for per-teacher losses).
   */
  constructor(logits: Float32Array, numClasses: number, members: readonly Float32Array[] = []) {
    this.#rows = logits;
    this.#members = members;
    this.#numClasses = numClasses;
    this.#buffer = new Float32Array(0);
  }

  #gather(rows: Float32Array, indices: Int32Array): tf.Tensor2D {
    const width = this.#numClasses;
    const needed = indices.length * width;
    if (this.#buffer.length < needed) this.#buffer = new Float32Array(needed);
    for (let i = 0; i < indices.length; i += 1) {
      const from = indices[i]! * width;
      this.#buffer.set(rows.subarray(from, from + width), i * width);
    }
    // tf.tensor2d copies on wasm and node; the cpu backend may keep the buffer, so copy for it.
    return tf.tensor2d(this.#buffer.slice(0, needed), [indices.length, width]);
  }

  /** {@inheritDoc TeacherSignal.outputs} */
  outputs(indices: Int32Array): ModelOutput {
    const output: ModelOutput = { logits: this.#gather(this.#rows, indices), features: {} };
    if (this.#members.length > 0) output.members = this.#members.map((rows) => ({ logits: this.#gather(rows, indices), features: {} }));
    return output;
  }
}

/**
 * Runs the frozen teacher in inference mode on each batch, keeping only the feature taps the
 * losses need. Used when losses read teacher features, or when data is augmented.
 */
export class LiveTeacher implements TeacherSignal {
  readonly mode = 'live' as const;

  /** @param teacher - the frozen teacher. @param featureNames - the taps the losses read. */
  constructor(
    private readonly teacher: Model,
    private readonly featureNames: readonly string[],
  ) {}

  /** {@inheritDoc TeacherSignal.outputs} */
  outputs(_indices: Int32Array, x: tf.Tensor): ModelOutput {
    const result = tf.tidy(() => {
      const out = this.teacher.forward(x, { training: false });
      const kept: tf.Tensor[] = [out.logits];
      for (const name of this.featureNames) {
        const feature = out.features[name];
        if (!feature) {
          throw new Error(`The teacher (${this.teacher.kind}) has no feature "${name}"; it has: ${Object.keys(out.features).join(', ')}.`);
        }
        kept.push(feature);
      }
      return kept;
    });
    const [logits, ...features] = result;
    const named: Record<string, tf.Tensor> = {};
    this.featureNames.forEach((name, i) => {
      named[name] = features[i]!;
    });
    return { logits: logits as tf.Tensor2D, features: named };
  }
}

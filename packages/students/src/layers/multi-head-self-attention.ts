import { deriveSeed } from '@kdlab/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { maskedSequenceInputs, maskedSequenceShapes } from './masked-sequence.js';
import { softmax } from '../ops/softmax.js';
import { hasSplitHeadsKernels, splitHeads } from '../ops/split-heads.js';

/** Constructor arguments of {@link MultiHeadSelfAttention}. */
export interface MultiHeadSelfAttentionArgs extends LayerArgs {
  /** Number of attention heads; must divide the hidden size. */
  heads: number;
  /** Seed of the projection kernels' initializers (an integer). */
  seed: number;
}

/** The projections of {@link MultiHeadSelfAttention}, in weight order. */
const PROJECTIONS = ['query', 'key', 'value', 'output'] as const;

/**
 * What a padded key adds to its attention scores (BERT adds -10000): large enough that its weight
 * after the softmax is exactly 0 in float32, small enough that a row of padding only stays finite.
 */
export const MASKED_SCORE = -1e9;

/**
 * Multi-head self-attention (Vaswani et al. 2017) over `[batch, seq, hidden]`, with two outputs:
 * the attended hidden states `[batch, seq, hidden]` and the attention maps
 * `[batch, heads, seq, seq]` (softmax over the last axis), which kdlab exposes as `layer<i>.attn`
 * taps for attention-transfer losses.
 *
 * Weights, in order: `query`, `key`, `value` and `output`, each a `kernel` `[hidden, hidden]`
 * (glorot-uniform, seeded from `seed` and the weight's name) and a `bias` `[hidden]` (zeros). The
 * scores are `q k^T / sqrt(hidden / heads)`. Called with `[x, mask]`, where the padding mask
 * `[batch, seq]` is 1 for a real token and 0 for padding ({@link PaddingMask}), the scores of every
 * padded key get {@link MASKED_SCORE} added (BERT's additive mask), so no query attends to padding;
 * called with `x` alone, every position is a key. No dropout on the attention maps. Written with plain `matMul` and `transpose`, which every
 * tfjs backend has (no einsum). Registered with `tf.serialization.registerClass`.
 */
export class MultiHeadSelfAttention extends tfl.layers.Layer {
  /** The class name written in saved model topologies. */
  static readonly className = 'MultiHeadSelfAttention';

  /** Number of attention heads. */
  readonly heads: number;
  /** Seed of the kernels' initializers. */
  readonly seed: number;
  #weights: tfl.LayerVariable[] = [];
  /** The last call's input and outputs (see {@link MultiHeadSelfAttention.call}). */
  #lastCall: { inputId: number; maskId: number | undefined; training: boolean; weightData: object[]; outputs: tf.Tensor[] } | undefined;

  /** @param args - the layer arguments, `heads` and `seed` included. */
  constructor(args: MultiHeadSelfAttentionArgs) {
    super(args);
    if (!Number.isInteger(args.heads) || args.heads < 1) {
      throw new Error(`MultiHeadSelfAttention "${this.name}": heads must be a positive integer, got ${String(args.heads)}.`);
    }
    if (!Number.isSafeInteger(args.seed)) {
      throw new Error(`MultiHeadSelfAttention "${this.name}": seed must be an integer, got ${String(args.seed)}.`);
    }
    this.heads = args.heads;
    this.seed = args.seed;
  }

  /** Creates the four projections once the hidden size is known; checks that `heads` divides it. */
  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const hidden = maskedSequenceShapes(inputShape, this.describe()).states[2];
    if (typeof hidden !== 'number') throw new Error(`${this.describe()} needs a known hidden size, got the input shape [${maskedSequenceShapes(inputShape, this.describe()).states.map(String).join(', ')}].`);
    if (hidden % this.heads !== 0) {
      throw new Error(`${this.describe()}: heads (${this.heads}) must divide the hidden size (${hidden}).`);
    }
    this.#weights = PROJECTIONS.flatMap((projection) => [
      this.addWeight(`${projection}/kernel`, [hidden, hidden], 'float32', tfl.initializers.glorotUniform({ seed: deriveSeed(this.seed, `${projection}/kernel`) })),
      this.addWeight(`${projection}/bias`, [hidden], 'float32', tfl.initializers.zeros()),
    ]);
    this.built = true;
  }

  /** Hidden states `[batch, seq, hidden]` and attention maps `[batch, heads, seq, seq]`. */
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape[] {
    const [batch, seq, hidden] = maskedSequenceShapes(inputShape, this.describe()).states;
    return [
      [batch ?? null, seq ?? null, hidden ?? null],
      [batch ?? null, this.heads, seq ?? null, seq ?? null],
    ];
  }

  /**
   * Attends; answers `[hidden states, attention maps]`. tfjs-layers' executor applies a layer once
   * per output tensor a model needs, so a layer with two outputs runs twice per forward pass. A call
   * with the very input tensors of the previous call (tensor ids are never reused), the same
   * `training` flag and the same weight values (the same tensor data: every assignment, by an
   * optimizer or `setWeights`, gives a variable new data) answers the previous outputs instead of
   * attending again.
   */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor[] {
    this.invokeCallHook(inputs, kwargs);
    const { states: input, mask } = maskedSequenceInputs(inputs, this.describe());
    const training = kwargs['training'] === true;
    const weightData = this.#weights.map((weight) => weight.read().dataId);
    const last = this.#lastCall;
    if (
      last !== undefined &&
      last.inputId === input.id &&
      last.maskId === mask?.id &&
      last.training === training &&
      last.weightData.every((data, index) => data === weightData[index]) &&
      last.outputs.every((output) => !output.isDisposed)
    ) {
      return last.outputs;
    }
    const outputs = this.attend(input, mask);
    this.#lastCall = { inputId: input.id, maskId: mask?.id, training, weightData, outputs };
    return outputs;
  }

  /**
   * The attention itself, in few kernels (each kernel of a step costs tens of microseconds on
   * tfjs-node beyond its arithmetic): each projection one product with its bias fused, the score scale
   * `1 / sqrt(headSize)` folded into the query kernel and bias (`hidden * (hidden + 1)` values scaled
   * instead of the `[batch, heads, seq, seq]` scores), the output projection with its bias fused. The
   * same function as projecting, adding and scaling one by one, to float32 rounding. Where the backend
   * has kdlab's fused kernels, each projection's bias and head split are one kernel (`splitHeads`, the
   * same values). (One product of
   * the three kernels side by side, cut after one transpose, was slower: on wasm its five-dimensional
   * transpose or its split cost more than the two products it saves.)
   */
  private attend(input: tf.Tensor, mask: tf.Tensor | undefined): tf.Tensor[] {
    return tf.tidy(() => {
      const [batch, seq, hidden] = input.shape as [number, number, number];
      const headSize = hidden / this.heads;
      const [wq, bq, wk, bk, wv, bv, wo, bo] = this.#weights.map((weight) => weight.read()) as [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D];
      // rank 3, as tfjs' matMul makes its operands: its reshapes of them are then to their own shapes
      const flat = tf.reshape(input, [1, batch * seq, hidden]) as tf.Tensor3D;
      const fusedSplit = hasSplitHeadsKernels();
      const heads = (kernel: tf.Tensor2D, bias: tf.Tensor1D) =>
        fusedSplit
          ? splitHeads(tf.matMul(flat, tf.reshape(kernel, [1, hidden, hidden]) as tf.Tensor3D), bias, batch, seq, this.heads)
          : tf.transpose(tf.reshape(tf.fused.matMul({ a: flat, b: tf.reshape(kernel, [1, hidden, hidden]) as tf.Tensor3D, bias }), [batch, seq, this.heads, headSize]), [0, 2, 1, 3]);
      const scale = 1 / Math.sqrt(headSize);
      const query = heads(tf.mul(wq, scale), tf.mul(bq, scale));
      const key = heads(wk, bk);
      const value = heads(wv, bv);
      let scores = tf.matMul(query, key, false, true);
      // (mask - 1) * 1e9: 0 for a real key, MASKED_SCORE for a padded one, the same for every query and head.
      if (mask !== undefined) scores = tf.add(scores, tf.reshape(tf.mul(tf.sub(mask, 1), -MASKED_SCORE), [batch, 1, 1, seq]));
      const attention = softmax(scores);
      const context = tf.reshape(tf.transpose(tf.matMul(attention, value), [0, 2, 1, 3]), [1, batch * seq, hidden]) as tf.Tensor3D;
      const output = tf.reshape(tf.fused.matMul({ a: context, b: tf.reshape(wo, [1, hidden, hidden]) as tf.Tensor3D, bias: bo }), [batch, seq, hidden]);
      return [output, attention];
    });
  }

  /** The layer's config: the base layer config plus `heads` and `seed`. */
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), heads: this.heads, seed: this.seed };
  }

  private describe(): string {
    return `MultiHeadSelfAttention "${this.name}"`;
  }
}

tf.serialization.registerClass(MultiHeadSelfAttention);

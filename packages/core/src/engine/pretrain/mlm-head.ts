import * as tf from '@tensorflow/tfjs-core';
import { deriveSeed } from '../derive-seed.js';

/** Epsilon of the head's layer norm (the transformer's, PyTorch's default). */
const LAYER_NORM_EPSILON = 1e-5;

let created = 0;

/**
 * BERT's masked-language-model head (`BertLMPredictionHead`): a dense layer `[hidden, hidden]` with
 * GELU (exact, with erf), a layer norm, then the vocabulary logits through the decoder **tied to the
 * token embedding** (`logits = h Eᵀ + b`, as BERT and DistilBERT tie it): the head's own parameters are
 * `hidden² + hidden` (dense), `2 * hidden` (norm) and `vocabSize` (the decoder's bias), and training
 * it also trains the embedding. The dense kernel is glorot-uniform from its seed, the rest zeros and
 * ones. It lives only for pre-training: {@link MlmHead.dispose} frees its variables, and the model
 * keeps none of it.
 */
export class MlmHead {
  /** The head's own trainable variables: dense kernel and bias, norm scale and offset, decoder bias. */
  readonly variables: tf.Variable[];
  readonly #embedding: tf.Variable;
  readonly #kernel: tf.Variable;
  readonly #bias: tf.Variable;
  readonly #gamma: tf.Variable;
  readonly #beta: tf.Variable;
  readonly #decoderBias: tf.Variable;

  /**
   * @param embedding - the model's token embedding `[vocabSize, hidden]`, which the decoder reads.
   * @param seed - seed of the dense kernel.
   */
  constructor(embedding: tf.Variable, seed: number) {
    if (embedding.rank !== 2) throw new Error(`MlmHead: the token embedding must be [vocabSize, hidden], got [${embedding.shape.join(', ')}].`);
    const [vocabSize, hidden] = embedding.shape as [number, number];
    this.#embedding = embedding;
    const id = (created += 1);
    const limit = Math.sqrt(6 / (hidden + hidden));
    // tidy frees each initial value (a variable keeps its own reference to the data)
    const variable = (name: string, value: () => tf.Tensor) => tf.tidy(() => tf.variable(value(), true, `kdlab_mlm_head_${id}/${name}`));
    this.#kernel = variable('dense/kernel', () => tf.randomUniform([hidden, hidden], -limit, limit, 'float32', deriveSeed(seed, 'mlm_head/dense/kernel')));
    this.#bias = variable('dense/bias', () => tf.zeros([hidden]));
    this.#gamma = variable('norm/gamma', () => tf.ones([hidden]));
    this.#beta = variable('norm/beta', () => tf.zeros([hidden]));
    this.#decoderBias = variable('decoder/bias', () => tf.zeros([vocabSize]));
    this.variables = [this.#kernel, this.#bias, this.#gamma, this.#beta, this.#decoderBias];
  }

  /** Number of the head's own parameters (the tied decoder's weights are the embedding's, not counted). */
  paramCount(): number {
    return this.variables.reduce((sum, variable) => sum + variable.size, 0);
  }

  /**
   * The vocabulary logits `[count, vocabSize]` of hidden states `[count, hidden]`.
   *
   * @param states - the final hidden states of the positions to predict.
   */
  logits(states: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const dense = tf.add(tf.matMul(states, this.#kernel), this.#bias);
      const activated = tf.mul(tf.mul(dense, 0.5), tf.add(1, tf.erf(tf.mul(dense, Math.SQRT1_2))));
      const { mean, variance } = tf.moments(activated, -1, true);
      const normed = tf.add(tf.mul(tf.div(tf.sub(activated, mean), tf.sqrt(tf.add(variance, LAYER_NORM_EPSILON))), this.#gamma), this.#beta);
      return tf.add(tf.matMul(normed, this.#embedding, false, true), this.#decoderBias) as tf.Tensor2D;
    });
  }

  /** Frees the head's variables (the embedding stays the model's). */
  dispose(): void {
    tf.dispose(this.variables);
  }
}

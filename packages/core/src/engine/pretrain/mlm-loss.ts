import * as tf from '@tensorflow/tfjs-core';
import type { Model, TokenStates } from '../../model/model.js';
import type { MaskedBatch } from './mask-tokens.js';
import type { MlmHead } from './mlm-head.js';

/** The masked-language-model loss of one batch, and how many chosen tokens the model got right. */
export interface MlmLoss {
  /** Mean cross-entropy over the chosen positions, a scalar. */
  loss: tf.Scalar;
  /** Chosen positions whose most likely token is the original one, a scalar. */
  hits: tf.Scalar;
}

/**
 * The masked-language-model loss of a masked batch (BERT): the model reads the batch's input (the
 * hidden tokens replaced), the final hidden states of the chosen positions go through the head, and
 * the loss is the mean cross-entropy of the original tokens over those positions only. Call it inside
 * `tf.variableGrads` to train; the caller owns the returned scalars.
 *
 * @param model - the model being pre-trained.
 * @param states - its token states ({@link Model.tokenStates}).
 * @param head - the head on top of them.
 * @param batch - the masked batch ({@link maskTokens}).
 * @param rows - rows in the batch.
 * @param training - whether dropout is on.
 */
export function mlmLoss(model: Model, states: TokenStates, head: MlmHead, batch: MaskedBatch, rows: number, training: boolean): MlmLoss {
  return tf.tidy(() => {
    const x = tf.tensor(batch.input, [rows, ...model.inputShape]);
    const { features } = model.forward(x, { training });
    const hidden = states.read(features);
    const [, length, size] = hidden.shape;
    const chosen = tf.gather(tf.reshape(hidden, [rows * length, size]), tf.tensor1d(batch.positions, 'int32')) as tf.Tensor2D;
    const logits = head.logits(chosen);
    const vocabSize = logits.shape[1];
    const targets = tf.tensor1d(batch.targets, 'int32');
    const picked = tf.gather(tf.reshape(logits, [-1]), tf.add(tf.mul(tf.range(0, batch.targets.length, 1, 'int32'), tf.scalar(vocabSize, 'int32')), targets));
    const loss = tf.mean(tf.sub(tf.logSumExp(logits, 1), picked)) as tf.Scalar;
    const hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), targets), 'float32')) as tf.Scalar;
    return { loss, hits };
  });
}

import * as tf from '@tensorflow/tfjs-core';
import { transformerModel, transformerOptions, type LayersModelAdapter, type TransformerOptions } from '../../src/index.js';

/** Compares values with a reference (the caller's `expect`, with its tolerance); `message` says what is compared. */
export type CompareValues = (values: number[], reference: number[], message: string) => void;

/** Transformer settings whose padding must not matter, by label. */
export const paddingCases: [string, Partial<TransformerOptions>][] = [
  ['post norm, [CLS] pooling, pad id 0', {}],
  ['pre norm, mean pooling, pad id 0', { norm: 'pre', pooling: 'mean' }],
  ['post norm, mean pooling, pad id 7, dropout (inference)', { pooling: 'mean', padId: 7, dropout: 0.1 }],
];

const SHORT = 6;
const LONG = 10;

function build(options: Partial<TransformerOptions>, length: number): LayersModelAdapter {
  const parsed = transformerOptions.parse({ vocabSize: 20, hidden: 8, heads: 2, layers: 2, feedForward: 12, maxLength: LONG, ...options });
  return transformerModel.build(parsed, { inputShape: [length], numClasses: 3, seed: 4 }) as LayersModelAdapter;
}

/** Rows of ids: real ids (never the pad id), then padding up to `length`. */
function padded(texts: readonly number[][], length: number, padId: number): tf.Tensor2D {
  return tf.tensor2d(texts.map((text) => [...text, ...new Array<number>(length - text.length).fill(padId)]));
}

/** The real positions' slice of a `[batch, positions, hidden]` tap, one example. */
function realStates(states: tf.Tensor, example: number, positions: number): number[] {
  return Array.from(tf.tidy(() => tf.slice(states, [example, 0, 0], [1, positions, states.shape[2]!]).dataSync()));
}

/**
 * Checks, on the active backend, that a token transformer answers for a text what it answers
 * whatever its padding holds:
 * 1. four more pads (a model of input length 10 with the same weights as one of length 6): the same
 *    logits, pooled vector and hidden states at every real position of every layer;
 * 2. the position-table rows of the padded positions and the pad token's embedding changed (what
 *    the padded positions hold): the same logits;
 * 3. gradients: the position-table rows of the padded positions and the pad token's embedding get
 *    no gradient at all from a loss on the logits.
 *
 * @param options - the transformer's settings (`padId` included).
 * @param compare - the caller's comparison with its tolerance.
 */
export async function expectPaddingIgnored(options: Partial<TransformerOptions>, compare: CompareValues): Promise<void> {
  const padId = options.padId ?? 0;
  const prefix = (options.pooling ?? 'cls') === 'cls' ? 1 : 0;
  // [CLS] = 2 and [SEP] = 3 as in kdlab's vocabularies; none of them is 0 or 7
  const texts = [
    [2, 5, 9, 11, 3],
    [2, 8, 3],
    [2, 4, 6, 8, 10, 3],
  ];
  const short = build(options, SHORT);
  const long = build(options, LONG);
  try {
    long.layersModel.setWeights(short.layersModel.getWeights());
    const shortIds = padded(texts, SHORT, padId);
    const longIds = padded(texts, LONG, padId);
    const a = short.forward(shortIds, { training: false });
    const b = long.forward(longIds, { training: false });
    compare(Array.from(b.logits.dataSync()), Array.from(a.logits.dataSync()), 'logits with four more pads');
    compare(Array.from(b.features['pool']!.dataSync()), Array.from(a.features['pool']!.dataSync()), 'pooled vector with four more pads');
    texts.forEach((text, example) => {
      for (const tap of ['embeddings', 'layer1', 'layer2']) {
        compare(realStates(b.features[tap]!, example, prefix + text.length), realStates(a.features[tap]!, example, prefix + text.length), `${tap} at the real positions of text ${example}`);
      }
    });
    tf.dispose([shortIds, longIds, a.logits, b.logits, ...Object.values(a.features), ...Object.values(b.features)]);

    // 2. What the padded positions hold: their position rows and the pad token's embedding.
    const text = texts[1]!;
    const ids = padded([text], LONG, padId);
    const before = tf.tidy(() => Array.from(long.forward(ids, { training: false }).logits.dataSync()));
    const table = long.layersModel.getLayer('position_embedding').weights[0]!;
    const embedding = long.layersModel.getLayer('token_embedding').weights[0]!;
    const [tableValues, embeddingValues] = [table.read().clone(), embedding.read().clone()];
    const firstPad = prefix + text.length;
    tf.tidy(() => {
      const rows = table.shape[0]!;
      const changed = tf.concat([tf.slice(tableValues, [0, 0], [firstPad, -1]), tf.randomNormal([rows - firstPad, table.shape[1]!], 0, 3, 'float32', 9)]);
      table.write(changed);
      const padRow = tf.reshape(tf.oneHot(tf.tensor1d([padId], 'int32'), embedding.shape[0]!), [embedding.shape[0]!, 1]);
      embedding.write(tf.add(embeddingValues, tf.mul(padRow, tf.randomNormal([1, embedding.shape[1]!], 0, 5, 'float32', 10))));
    });
    const after = tf.tidy(() => Array.from(long.forward(ids, { training: false }).logits.dataSync()));
    compare(after, before, 'logits with the padded positions\' contents changed');
    table.write(tableValues);
    embedding.write(embeddingValues);
    tf.dispose([tableValues, embeddingValues]);

    // 3. No gradient reaches what the padded positions hold.
    const tableVariable = long.trainableVariables().find((v) => v.name.includes('position_embedding'))!;
    const embeddingVariable = long.trainableVariables().find((v) => v.name.includes('token_embedding'))!;
    const grads = tf.tidy(() => {
      const { grads: all } = tf.variableGrads(() => tf.sum(tf.mul(long.forward(ids, { training: true }).logits, tf.tensor2d([[1, -2, 0.5]]))) as tf.Scalar, [tableVariable, embeddingVariable]);
      return [tf.slice(all[tableVariable.name]!, [firstPad, 0], [-1, -1]), tf.slice(all[embeddingVariable.name]!, [padId, 0], [1, -1]), tf.slice(all[tableVariable.name]!, [0, 0], [firstPad, -1])];
    });
    const [padRows, padEmbedding, realRows] = grads.map((g) => Array.from(g.dataSync()));
    compare(padRows!, padRows!.map(() => 0), 'gradient of the padded positions\' rows of the position table');
    compare(padEmbedding!, padEmbedding!.map(() => 0), 'gradient of the pad token\'s embedding');
    if (!realRows!.some((value) => Math.abs(value) > 1e-6)) throw new Error('the real positions got no gradient: the check would prove nothing');
    tf.dispose([ids, ...grads]);
  } finally {
    short.dispose();
    long.dispose();
  }
}

import * as tfl from '@tensorflow/tfjs-layers';
import { applyLayer } from '../building/apply-layer.js';
import { glorotUniformInit, truncatedNormalInit } from '../building/initializers.js';
import { withLazyInputGradient } from '../layers/lazy-input-gradient-conv.js';

/** How a transformer turns its input into tokens. */
export const transformerEmbeddings = ['tokens', 'rows', 'patches'] as const;

/** One of {@link transformerEmbeddings}. */
export type TransformerEmbedding = (typeof transformerEmbeddings)[number];

/** What {@link embedInput} is told. */
export interface InputEmbeddingOptions {
  /** `tokens`, `rows` or `patches`. */
  embedding: TransformerEmbedding;
  /** Hidden size of the tokens. */
  hidden: number;
  /** Vocabulary size (`tokens` only). */
  vocabSize: number | undefined;
  /** Side of the square patches (`patches` only). */
  patchSize: number;
  /** The model's seed. */
  seed: number;
}

/** The model input and its tokens. */
export interface EmbeddedInput {
  /** The model's input, shaped like `context.inputShape`. */
  input: tfl.SymbolicTensor;
  /** The token embeddings, `[batch, seq, hidden]`, before any `[CLS]` token and position embedding. */
  tokens: tfl.SymbolicTensor;
}

/**
 * Builds a transformer's input and token embeddings:
 * - `tokens`: input `[seq]` of integer ids in `[0, vocabSize)` given as floats (cast to int32 by the
 *   layer), looked up in `token_embedding` `[vocabSize, hidden]` (truncated normal, std 0.02);
 * - `rows`: an image `[height, width(, channels)]`, each row a token, projected by the dense layer
 *   `row_projection` (`width * channels -> hidden`);
 * - `patches`: an image cut into `patchSize x patchSize` patches, each a token, projected linearly
 *   (ViT): a convolution `patch_projection` with kernel and stride `patchSize`, then flattened to
 *   `[(height / patchSize) * (width / patchSize), hidden]`.
 * Errors name the option or the input shape that does not fit.
 *
 * @param inputShape - `context.inputShape`.
 * @param options - the embedding kind and its settings.
 */
export function embedInput(inputShape: readonly number[], options: InputEmbeddingOptions): EmbeddedInput {
  const { embedding, hidden, seed } = options;
  const shape = `[${inputShape.join(', ')}]`;
  const input = tfl.input({ shape: [...inputShape], name: 'input' });
  if (embedding === 'tokens') {
    if (inputShape.length !== 1) throw new Error(`transformer: embedding "tokens" needs context.inputShape [seq] (token ids), got ${shape}.`);
    if (options.vocabSize === undefined) throw new Error('transformer: vocabSize is required with embedding "tokens".');
    const layer = tfl.layers.embedding({
      name: 'token_embedding',
      inputDim: options.vocabSize,
      outputDim: hidden,
      embeddingsInitializer: truncatedNormalInit(seed, 'token_embedding/embeddings', 0.02),
    });
    return { input, tokens: applyLayer(layer, input) };
  }
  if (inputShape.length !== 2 && inputShape.length !== 3) {
    throw new Error(`transformer: embedding "${embedding}" needs an image, context.inputShape [height, width] or [height, width, channels], got ${shape}.`);
  }
  const [height, width, channels = 1] = inputShape as [number, number, number?];
  if (embedding === 'rows') {
    const rows = applyLayer(tfl.layers.reshape({ name: 'rows', targetShape: [height, width * channels] }), input);
    const projection = tfl.layers.dense({ name: 'row_projection', units: hidden, kernelInitializer: glorotUniformInit(seed, 'row_projection/kernel'), biasInitializer: 'zeros' });
    return { input, tokens: applyLayer(projection, rows) };
  }
  const { patchSize } = options;
  if (height % patchSize !== 0 || width % patchSize !== 0) {
    throw new Error(`transformer: patchSize ${patchSize} must divide the image's height and width, context.inputShape is ${shape}.`);
  }
  const image = inputShape.length === 3 ? input : applyLayer(tfl.layers.reshape({ name: 'add_channel', targetShape: [height, width, 1] }), input);
  // its input is the image: no gradient with respect to it unless asked (withLazyInputGradient)
  const projection = withLazyInputGradient(tfl.layers.conv2d({
    name: 'patch_projection',
    filters: hidden,
    kernelSize: patchSize,
    strides: patchSize,
    padding: 'valid',
    kernelInitializer: glorotUniformInit(seed, 'patch_projection/kernel'),
    biasInitializer: 'zeros',
  }));
  const patches = applyLayer(projection, image);
  const count = (height / patchSize) * (width / patchSize);
  return { input, tokens: applyLayer(tfl.layers.reshape({ name: 'patches', targetShape: [count, hidden] }), patches) };
}

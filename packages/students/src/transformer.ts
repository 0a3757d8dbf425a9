import { defineModel, deriveSeed, modelHelper, type ModelBuildContext } from '@kdlab/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import { applyLayer } from './building/apply-layer.js';
import { glorotUniformInit } from './building/initializers.js';
import type { NamedTap } from './building/named-tap.js';
import { tapModel } from './building/tap-model.js';
import { checkBuildContext } from './layers/check-build-context.js';
import { ClassToken } from './layers/class-token.js';
import { FirstToken } from './layers/first-token.js';
import { FusedLayerNormalization } from './layers/fused-layer-normalization.js';
import type { LayersModelAdapter } from './layers/layers-model-adapter.js';
import { MaskedMeanPooling } from './layers/masked-mean-pooling.js';
import { PaddingMask } from './layers/padding-mask.js';
import { LearnedPositionEmbedding } from './layers/position-embedding.js';
import { SeededDropout } from './layers/seeded-dropout.js';
import { encoderLayer, LAYER_NORM_EPSILON, layerNormPlacements } from './transformer/encoder-layer.js';
import { initializeTransformerFromTeacher } from './transformer/initialize-from-teacher.js';
import { embedInput, transformerEmbeddings } from './transformer/input-embedding.js';
import { transformerTokenStates } from './transformer/token-states.js';

/** Options of the `transformer` family: the single source of their types, defaults and error messages. */
export const transformerOptions = z
  .strictObject({
    /**
     * How the input becomes tokens: `tokens` (integer ids, input `[seq]`), `rows` (each image row a
     * token) or `patches` (ViT: each `patchSize x patchSize` patch a token). Default: `tokens` for
     * `[seq]` inputs, `patches` for images.
     */
    embedding: z.enum(transformerEmbeddings).optional(),
    /** Vocabulary size; required with `tokens` (ids must lie in `[0, vocabSize)`). */
    vocabSize: z.number().int().positive().optional(),
    /** Rows of the position table with `tokens` (the `[CLS]` token adds one); default: the input length. */
    maxLength: z.number().int().positive().optional(),
    /** Side of the square patches with `patches`; must divide the image's height and width. */
    patchSize: z.number().int().positive().default(4),
    /** Hidden size of every token. */
    hidden: z.number().int().positive().default(64),
    /** Number of encoder layers. */
    layers: z.number().int().positive().default(4),
    /** Attention heads per layer; must divide `hidden`. */
    heads: z.number().int().positive().default(4),
    /** Units of each feed-forward network's inner GELU layer; default `4 * hidden`. */
    feedForward: z.number().int().positive().optional(),
    /** Dropout rate on the embeddings and on each sub-layer's output while training, in `[0, 1)`. */
    dropout: z.number().min(0).lt(1).default(0),
    /** What the classifier reads: the `[CLS]` token's final state (`cls`) or the mean over tokens (`mean`). */
    pooling: z.enum(['cls', 'mean']).default('cls'),
    /** Layer norm after each residual sum (`post`: BERT, DistilBERT) or before each sub-layer (`pre`: ViT). */
    norm: z.enum(layerNormPlacements).default('post'),
    /**
     * With `tokens`: the id that marks padding. No query attends to a padded key (BERT's additive mask
     * on the attention scores) and `mean` pooling averages the real tokens only, so what the model
     * answers for a text does not depend on its padding. Unset: 0, the `[PAD]` of kdlab's vocabularies;
     * `null`: no mask, every position counts. Images have no padding (set it only with `tokens`).
     * Optional without a default, so that the config hashes of recorded experiments stay.
     */
    padId: z.number().int().min(0).nullable().optional(),
  })
  .refine((options) => options.hidden % options.heads === 0, { path: ['heads'], message: 'heads must divide hidden' });

/** Parsed, defaulted options of the `transformer` family. */
export type TransformerOptions = z.output<typeof transformerOptions>;

/**
 * The `transformer` model family: an encoder classifier. Token embeddings (ids given as floats,
 * cast inside) or image rows or patches projected linearly; an optional `[CLS]` token; learned
 * position embeddings; `layers` encoder layers (multi-head self-attention and a GELU feed-forward
 * network, each with dropout, a residual connection and layer norm, post or pre); `[CLS]` or mean
 * pooling; linear logits. With token ids, padding (id `padId`, default 0) is masked: attention ignores
 * padded keys and mean pooling averages the real tokens only. Its models support
 * `initializeFrom(teacher, 'every-other-layer')` (DistilBERT), and with token ids `tokenStates()`
 * (the last layer's states of the input tokens and the token embedding, for masked-language-model
 * pre-training).
 *
 * Taps: with padding masked, `mask` first (`[batch, seq]`, 1 for a real token or `[CLS]`, 0 for padding,
 * aligned with the hidden states: what the `cosine` loss's `mask` reads); `embeddings` (the tokens
 * entering layer 1, `[batch, seq, hidden]`, before dropout); for each
 * layer `layer<i>.attn` (attention maps `[batch, heads, seq, seq]`) then `layer<i>` (hidden states
 * after the layer); `pool` (`[batch, hidden]`, what the logits read).
 */
export const transformerModel = defineModel({
  id: 'transformer',
  description: 'Transformer encoder classifier: token or patch embeddings, self-attention layers, [CLS] or mean pooling.',
  options: transformerOptions,
  build: buildTransformer,
});

/** The experiment helper of the `transformer` family: `transformer({ layers: 6, hidden: 128, heads: 4 })`. */
export const transformer = modelHelper(transformerModel);

function buildTransformer(options: TransformerOptions, context: ModelBuildContext): LayersModelAdapter {
  checkBuildContext('transformer', context);
  const { seed } = context;
  const embedding = options.embedding ?? (context.inputShape.length === 1 ? 'tokens' : 'patches');
  if (embedding !== 'tokens' && options.maxLength !== undefined) {
    throw new Error(`transformer: maxLength applies to embedding "tokens" only; with "${embedding}" the image fixes the number of tokens.`);
  }
  const padId = paddingId(options, embedding);
  const { input, tokens } = embedInput(context.inputShape, { embedding, hidden: options.hidden, vocabSize: options.vocabSize, patchSize: options.patchSize, seed });
  const sequenceLength = tokens.shape[1] as number;
  const maxLength = options.maxLength ?? sequenceLength;
  if (maxLength < sequenceLength) {
    throw new Error(`transformer: maxLength ${maxLength} is shorter than the input's ${sequenceLength} tokens (context.inputShape [${context.inputShape.join(', ')}]).`);
  }
  const cls = options.pooling === 'cls';
  const mask = padId === null ? undefined : applyLayer(new PaddingMask({ name: 'padding_mask', padId, prefix: cls ? 1 : 0 }), input);
  let x = cls ? applyLayer(new ClassToken({ name: 'class_token', seed: deriveSeed(seed, 'class_token') }), tokens) : tokens;
  x = applyLayer(new LearnedPositionEmbedding({ name: 'position_embedding', maxLength: maxLength + (cls ? 1 : 0), seed: deriveSeed(seed, 'position_embedding') }), x);
  if (options.norm === 'post') x = applyLayer(new FusedLayerNormalization({ name: 'embedding_norm', epsilon: LAYER_NORM_EPSILON }), x);
  const taps: NamedTap[] = [...(mask ? [{ name: 'mask', tensor: mask }] : []), { name: 'embeddings', tensor: x }];
  if (options.dropout > 0) x = applyLayer(new SeededDropout({ name: 'embedding_dropout', rate: options.dropout, seed: deriveSeed(seed, 'embedding_dropout') }), x);
  for (let index = 1; index <= options.layers; index += 1) {
    const name = `layer${index}`;
    const layer = encoderLayer(x, { name, heads: options.heads, feedForward: options.feedForward ?? 4 * options.hidden, dropout: options.dropout, norm: options.norm, seed, ...(mask ? { mask } : {}) });
    taps.push({ name: `${name}.attn`, tensor: layer.attention }, { name, tensor: layer.hidden });
    x = layer.hidden;
  }
  if (options.norm === 'pre') x = applyLayer(new FusedLayerNormalization({ name: 'final_norm', epsilon: LAYER_NORM_EPSILON }), x);
  const pooled = cls
    ? applyLayer(new FirstToken({ name: 'pool' }), x)
    : mask
      ? applyLayer(new MaskedMeanPooling({ name: 'pool' }), [x, mask])
      : applyLayer(tfl.layers.globalAveragePooling1d({ name: 'pool' }), x);
  taps.push({ name: 'pool', tensor: pooled });
  const logits = applyLayer(
    tfl.layers.dense({ name: 'logits', units: context.numClasses, kernelInitializer: glorotUniformInit(seed, 'logits/kernel'), biasInitializer: 'zeros' }),
    pooled,
  );
  return tapModel({ kind: 'transformer', input, logits, taps, initializeFrom: initializeTransformerFromTeacher, ...(embedding === 'tokens' ? { tokenStates: transformerTokenStates } : {}) });
}

/**
 * The padding id a transformer masks, or `null` for none: `padId` (default 0) with `tokens`; images
 * have no padding. Throws naming the option when it does not fit.
 */
function paddingId(options: TransformerOptions, embedding: string): number | null {
  if (embedding !== 'tokens') {
    if (options.padId !== undefined && options.padId !== null) {
      throw new Error(`transformer: padId applies to embedding "tokens" only; images ("${embedding}") have no padding.`);
    }
    return null;
  }
  const padId = options.padId === undefined ? 0 : options.padId;
  if (padId !== null && options.vocabSize !== undefined && padId >= options.vocabSize) {
    throw new Error(`transformer: padId ${padId} is not a token id of the vocabulary (vocabSize ${options.vocabSize}).`);
  }
  return padId;
}

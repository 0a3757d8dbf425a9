import { deriveSeed } from '@kdlab/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { applyLayer, applyMultiOutputLayer } from '../building/apply-layer.js';
import { glorotUniformInit } from '../building/initializers.js';
import { FusedLayerNormalization } from '../layers/fused-layer-normalization.js';
import { withFusedGelu } from '../layers/fused-gelu.js';
import { MultiHeadSelfAttention } from '../layers/multi-head-self-attention.js';
import { SeededDropout } from '../layers/seeded-dropout.js';

/** Epsilon of the transformer's layer norms (PyTorch's default). */
export const LAYER_NORM_EPSILON = 1e-5;

/** Where an encoder layer normalises: after each residual sum (BERT) or before each sub-layer (ViT, GPT-2). */
export const layerNormPlacements = ['post', 'pre'] as const;

/** One of {@link layerNormPlacements}. */
export type LayerNormPlacement = (typeof layerNormPlacements)[number];

/** What {@link encoderLayer} builds. */
export interface EncoderLayerOptions {
  /** Prefix of the layer's layer names, `layer<i>`; the teacher initialisation maps layers by it. */
  name: string;
  /** Attention heads. */
  heads: number;
  /** Units of the feed-forward network's inner (GELU) layer. */
  feedForward: number;
  /** Dropout rate on each sub-layer's output while training. */
  dropout: number;
  /** `post` or `pre` layer norm. */
  norm: LayerNormPlacement;
  /** The model's seed. */
  seed: number;
  /** The padding mask `[batch, seq]` (1 real, 0 padding): padded keys get no attention. Default: none. */
  mask?: tfl.SymbolicTensor;
}

/** An encoder layer's outputs. */
export interface EncoderLayerOutput {
  /** The hidden states after the layer, `[batch, seq, hidden]`. */
  hidden: tfl.SymbolicTensor;
  /** The attention maps, `[batch, heads, seq, seq]`. */
  attention: tfl.SymbolicTensor;
}

/**
 * A transformer encoder layer: multi-head self-attention and a GELU feed-forward network, each
 * with dropout and a residual connection, and layer norm after each sum (`post`, BERT) or before
 * each sub-layer (`pre`). With a padding mask, no query attends to a padded key. Its layers are `<name>_attention`, `<name>_attention_dropout`,
 * `<name>_attention_residual`, `<name>_attention_norm`, `<name>_ffn_inner`, `<name>_ffn_outer`,
 * `<name>_ffn_dropout`, `<name>_ffn_residual` and `<name>_ffn_norm`.
 *
 * @param x - the hidden states, `[batch, seq, hidden]`.
 * @param options - the layer's name, sizes, dropout, norm placement, seed and padding mask.
 */
export function encoderLayer(x: tfl.SymbolicTensor, options: EncoderLayerOptions): EncoderLayerOutput {
  const { name, seed } = options;
  const hiddenSize = x.shape[2] as number;
  const norm = (suffix: string) => new FusedLayerNormalization({ name: `${name}_${suffix}_norm`, epsilon: LAYER_NORM_EPSILON });
  const dropout = (input: tfl.SymbolicTensor, suffix: string) =>
    options.dropout > 0 ? applyLayer(new SeededDropout({ name: `${name}_${suffix}_dropout`, rate: options.dropout, seed: deriveSeed(seed, `${name}_${suffix}_dropout`) }), input) : input;
  const dense = (suffix: string, units: number, activation: 'gelu' | 'linear') => {
    const layer = tfl.layers.dense({ name: `${name}_${suffix}`, units, activation, kernelInitializer: glorotUniformInit(seed, `${name}_${suffix}/kernel`), biasInitializer: 'zeros' });
    return activation === 'gelu' ? withFusedGelu(layer) : layer;
  };
  const attentionLayer = new MultiHeadSelfAttention({ name: `${name}_attention`, heads: options.heads, seed: deriveSeed(seed, `${name}_attention`) });
  const pre = options.norm === 'pre';

  const attentionInput = pre ? applyLayer(norm('attention'), x) : x;
  const [attended, attention] = applyMultiOutputLayer(attentionLayer, options.mask === undefined ? attentionInput : [attentionInput, options.mask], 2) as [tfl.SymbolicTensor, tfl.SymbolicTensor];
  let y = applyLayer(tfl.layers.add({ name: `${name}_attention_residual` }), [x, dropout(attended, 'attention')]);
  if (!pre) y = applyLayer(norm('attention'), y);

  const ffnInput = pre ? applyLayer(norm('ffn'), y) : y;
  const inner = applyLayer(dense('ffn_inner', options.feedForward, 'gelu'), ffnInput);
  const outer = applyLayer(dense('ffn_outer', hiddenSize, 'linear'), inner);
  let z = applyLayer(tfl.layers.add({ name: `${name}_ffn_residual` }), [y, dropout(outer, 'ffn')]);
  if (!pre) z = applyLayer(norm('ffn'), z);
  return { hidden: z, attention };
}

import * as tfl from '@tensorflow/tfjs-layers';
import { LayersModelAdapter, type TeacherInitHook, type TokenStatesHook } from '../layers/layers-model-adapter.js';
import type { NamedTap } from './named-tap.js';

/** What {@link tapModel} wraps. */
export interface TapModelOptions {
  /** The family id. */
  kind: string;
  /** The model input. */
  input: tfl.SymbolicTensor;
  /** The logits, `[batch, numClasses]`. */
  logits: tfl.SymbolicTensor;
  /** The feature taps, in forward order. */
  taps: readonly NamedTap[];
  /** The family's teacher-initialisation routine, if it has one. */
  initializeFrom?: TeacherInitHook;
  /** The family's reader of per-token hidden states, if it has one. */
  tokenStates?: TokenStatesHook;
}

/**
 * Makes the functional model `input -> [logits, ...taps]` (named after the family) and wraps it
 * in a {@link LayersModelAdapter} with the taps' names: the last step of every family's build.
 *
 * @param options - the family id, the graph's input, logits and taps.
 */
export function tapModel(options: TapModelOptions): LayersModelAdapter {
  const { kind, input, logits, taps } = options;
  const model = tfl.model({ name: kind, inputs: input, outputs: [logits, ...taps.map((tap) => tap.tensor)] });
  return new LayersModelAdapter({
    kind,
    model,
    featureNames: taps.map((tap) => tap.name),
    ...(options.initializeFrom !== undefined && { initializeFrom: options.initializeFrom }),
    ...(options.tokenStates !== undefined && { tokenStates: options.tokenStates }),
  });
}

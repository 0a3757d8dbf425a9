import type * as tfl from '@tensorflow/tfjs-layers';

/** Anything with a symbolic `apply`: every tfjs-layers layer. */
export interface ApplicableLayer {
  /** Connects the layer to its input(s) in a functional graph. */
  apply(input: tfl.SymbolicTensor | tfl.SymbolicTensor[], kwargs?: Record<string, unknown>): unknown;
}

/**
 * Connects a single-output layer to its input(s) in a functional graph and returns its output.
 * Throws naming the layer when it answers several outputs (use {@link applyMultiOutputLayer}).
 *
 * @param layer - the layer to connect.
 * @param input - its symbolic input, or inputs for a merge layer (`add`).
 */
export function applyLayer(layer: ApplicableLayer, input: tfl.SymbolicTensor | tfl.SymbolicTensor[]): tfl.SymbolicTensor {
  const output = layer.apply(input);
  if (Array.isArray(output)) {
    throw new Error(`applyLayer: layer "${layerName(layer)}" answers ${output.length} outputs where one was expected.`);
  }
  return output as tfl.SymbolicTensor;
}

/**
 * Connects a multi-output layer (the transformer's attention: hidden states and attention maps)
 * and returns its outputs, checking how many it answers.
 *
 * @param layer - the layer to connect.
 * @param input - its symbolic input, or inputs (the attention's hidden states and padding mask).
 * @param count - the number of outputs expected.
 */
export function applyMultiOutputLayer(layer: ApplicableLayer, input: tfl.SymbolicTensor | tfl.SymbolicTensor[], count: number): tfl.SymbolicTensor[] {
  const output = layer.apply(input);
  if (!Array.isArray(output) || output.length !== count) {
    const got = Array.isArray(output) ? output.length : 1;
    throw new Error(`applyMultiOutputLayer: layer "${layerName(layer)}" answers ${got} output(s) where ${count} were expected.`);
  }
  return output as tfl.SymbolicTensor[];
}

function layerName(layer: ApplicableLayer): string {
  return (layer as { name?: string }).name ?? '(unnamed)';
}

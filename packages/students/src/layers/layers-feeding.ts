import type * as tfl from '@tensorflow/tfjs-layers';

/** A tfjs-layers layer (the class is exported only as a value, under `layers.Layer`). */
export type AnyLayer = tfl.SymbolicTensor['sourceLayer'];

/**
 * Every layer a symbolic tensor depends on, found by walking the layer graph back from it
 * through each layer's inbound node (the tensor's own source layer included, input layers too).
 * A layer shared by several branches appears once.
 *
 * @param tensor - a symbolic tensor of a functional model, e.g. one of `model.outputs`.
 * @returns the layers, in no particular order.
 */
export function layersFeeding(tensor: tfl.SymbolicTensor): Set<AnyLayer> {
  const found = new Set<AnyLayer>();
  const pending: tfl.SymbolicTensor[] = [tensor];
  const visited = new Set<number>();
  while (pending.length > 0) {
    const current = pending.pop()!;
    if (visited.has(current.id)) continue;
    visited.add(current.id);
    const layer = current.sourceLayer;
    found.add(layer);
    const node = layer.inboundNodes[current.nodeIndex];
    if (node === undefined) {
      throw new Error(
        `layersFeeding: tensor "${current.name}" names node ${current.nodeIndex} of layer "${layer.name}", ` +
          `which has ${layer.inboundNodes.length} inbound node(s).`,
      );
    }
    pending.push(...node.inputTensors);
  }
  return found;
}

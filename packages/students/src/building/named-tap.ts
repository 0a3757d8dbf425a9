import type * as tfl from '@tensorflow/tfjs-layers';

/** A feature tap while a model is being built: its kdlab name and its symbolic tensor. */
export interface NamedTap {
  /** The tap's name as losses address it (`block2`, `layer3.attn`). */
  name: string;
  /** The tensor the tap exposes. */
  tensor: tfl.SymbolicTensor;
}

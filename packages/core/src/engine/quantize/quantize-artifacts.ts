import * as tf from '@tensorflow/tfjs-core';
import { quantizeAffineUint8 } from './affine-uint8.js';
import { encodeFloat16 } from './float16.js';

/** The storage types a float32 weight can be quantized to: 1 byte (affine) or 2 bytes (half float). */
export type QuantizationDtype = 'uint8' | 'float16';

/** Every {@link QuantizationDtype}, in a fixed order. */
export const QUANTIZATION_DTYPES: readonly QuantizationDtype[] = ['uint8', 'float16'];

/**
 * A weights-manifest entry as the TensorFlow.js converter writes a quantized one: tfjs-core's
 * `WeightsManifestEntry`, whose `quantization` also records `original_dtype` (the converter writes
 * it; tfjs-core's loader reads `dtype`, `min` and `scale` and ignores it).
 */
export type QuantizedWeightsEntry = tf.io.WeightsManifestEntry & {
  /** How the weight is stored; `dtype` (the entry's own) stays the dtype it decodes to. */
  quantization?: NonNullable<tf.io.WeightsManifestEntry['quantization']> & {
    /** The dtype the weight had before quantization (`float32`). */
    original_dtype?: string;
  };
};

const BYTES_PER_VALUE: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

/**
 * Quantizes the float32 weights of a saved model, each weight tensor on its own, in the format
 * stock TensorFlow.js loads (`tf.loadLayersModel` / `tf.loadGraphModel` dequantize on load): the
 * weights manifest entry keeps `dtype: 'float32'` and gains, as the TensorFlow.js converter writes it,
 *
 * - `uint8`: `quantization: { dtype: 'uint8', min, scale, original_dtype: 'float32' }`, the
 *   converter's affine map with 0 exactly representable (see {@link quantizeAffineUint8}), 1 byte
 *   per value;
 * - `float16`: `quantization: { dtype: 'float16', original_dtype: 'float32' }`, IEEE half floats
 *   rounded to nearest even, 2 bytes per value.
 *
 * Weights of other dtypes (int32, bool, string) and weights already quantized are copied as they are.
 * The topology, format and metadata are kept; the weights come back as one buffer.
 *
 * @param artifacts - what a tfjs `save` hands its handler (`tf.io.withSaveHandler`), with its
 *   weight specs and data.
 * @param dtype - the storage type of the quantized weights.
 * @returns new artifacts; the input is not changed.
 * @throws Error when the weight data is shorter than the specs describe, or RangeError when a weight
 *   to quantize to uint8 holds NaN or Infinity.
 */
export function quantizeArtifacts(artifacts: tf.io.ModelArtifacts, dtype: QuantizationDtype): tf.io.ModelArtifacts {
  const specs = artifacts.weightSpecs ?? [];
  const data = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? []));
  const parts: Uint8Array[] = [];
  const outSpecs: QuantizedWeightsEntry[] = [];
  let offset = 0;
  for (const spec of specs) {
    const length = byteLength(spec, data, offset);
    if (offset + length > data.byteLength) throw new Error(`quantizeArtifacts: the weight data ends inside weight "${spec.name}" (${data.byteLength} bytes for the specs' ${offset + length} or more).`);
    const bytes = data.slice(offset, offset + length);
    offset += length;
    if (spec.dtype !== 'float32' || spec.quantization !== undefined) {
      parts.push(bytes);
      outSpecs.push(spec);
      continue;
    }
    const values = new Float32Array(bytes.buffer, bytes.byteOffset, length / 4);
    if (dtype === 'uint8') {
      const quantized = quantizeAffineUint8(values, `weight "${spec.name}"`);
      parts.push(quantized.values);
      outSpecs.push({ ...spec, quantization: { dtype: 'uint8', min: quantized.min, scale: quantized.scale, original_dtype: 'float32' } });
    } else {
      const halves = encodeFloat16(values);
      parts.push(new Uint8Array(halves.buffer, halves.byteOffset, halves.byteLength));
      outSpecs.push({ ...spec, quantization: { dtype: 'float16', original_dtype: 'float32' } });
    }
  }
  return { ...artifacts, weightSpecs: outSpecs, weightData: concat(parts) };
}

/** The bytes one weight takes in the weight data starting at `offset`. */
function byteLength(spec: tf.io.WeightsManifestEntry, data: Uint8Array, offset: number): number {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const storage = spec.quantization?.dtype ?? spec.dtype;
  if (storage !== 'string') {
    const bytes = BYTES_PER_VALUE[storage];
    if (bytes === undefined) throw new Error(`quantizeArtifacts: weight "${spec.name}" has an unknown dtype "${storage}".`);
    return size * bytes;
  }
  // Strings: each value is a little-endian uint32 byte length, then its bytes (tfjs's encoding).
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let length = 0;
  for (let i = 0; i < size; i += 1) {
    if (offset + length + 4 > data.byteLength) return length + 4;
    length += 4 + view.getUint32(offset + length, true);
  }
  return length;
}

function concat(parts: readonly Uint8Array[]): ArrayBuffer {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out.buffer;
}

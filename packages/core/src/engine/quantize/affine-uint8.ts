/** One weight tensor quantized to 8 bits: `value ≈ q * scale + min`. */
export interface AffineUint8 {
  /** The quantized values, one byte each. */
  readonly values: Uint8Array;
  /** The value of `q = 0` (nudged so that 0 is exactly representable when the range covers it). */
  readonly min: number;
  /** The step between two consecutive levels. */
  readonly scale: number;
}

const LEVELS = 255;

/**
 * Quantizes float32 values to 8 bits with one affine map for the whole tensor, exactly as the
 * TensorFlow.js converter does (`quantize_weights` of `tensorflowjs/quantization.py`):
 *
 * - `scale = (max - min) / 255`;
 * - when `min ≤ 0 ≤ max`, the range is nudged so that 0 is a level: `min = -round(-min / scale) * scale`
 *   (and `max = 255 * scale + min`), as TF-Lite does; otherwise `min` stays the tensor's minimum;
 * - `q = round((clip(value, min, max) - min) / scale)`, rounding ties to even (NumPy's `round`);
 * - a constant tensor gets `q = 0`, `scale = 1` and `min` = its value.
 *
 * tfjs decodes `q * scale + min` (`decodeWeights` in tfjs-core), which is within `scale / 2` of
 * the original value (plus float32 rounding). Arithmetic is in float64, as `min` and `scale` are.
 *
 * @param values - the tensor's values, all finite.
 * @param name - the weight's name, for the error on a non-finite value.
 * @returns the quantized values with their `min` and `scale`.
 * @throws RangeError when a value is NaN or infinite (no affine range holds it).
 */
export function quantizeAffineUint8(values: Float32Array, name = 'weight'): AffineUint8 {
  let low = Infinity;
  let high = -Infinity;
  for (const value of values) {
    if (!Number.isFinite(value)) throw new RangeError(`Cannot quantize ${name} to uint8: it holds a non-finite value (${value}).`);
    if (value < low) low = value;
    if (value > high) high = value;
  }
  if (values.length === 0) return { values: new Uint8Array(0), min: 0, scale: 1 };
  if (low === high) return { values: new Uint8Array(values.length), min: low, scale: 1 };
  const scale = (high - low) / LEVELS;
  let min = low;
  let max = high;
  if (low <= 0 && 0 <= high) {
    min = -roundHalfEven((0 - low) / scale) * scale;
    max = LEVELS * scale + min;
  }
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i += 1) {
    const clipped = Math.min(Math.max(values[i]!, min), max);
    out[i] = Math.min(LEVELS, Math.max(0, roundHalfEven((clipped - min) / scale)));
  }
  return { values: out, min, scale };
}

/** Rounds to the nearest integer, ties to the even one (NumPy's `round`). */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const rest = x - floor;
  if (rest > 0.5) return floor + 1;
  if (rest < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

const f32 = new Float32Array(1);
const f32Bits = new Uint32Array(f32.buffer);

/**
 * The IEEE 754 half-precision bits of a number, rounded to nearest with ties to even (as NumPy's
 * `astype(np.float16)`, which the TensorFlow.js converter uses): the number is first taken as a
 * float32, a magnitude beyond float16's largest (65504) becomes ±Infinity, one below its smallest
 * subnormal (2⁻²⁴) rounds to ±0 or to that subnormal, and NaN stays NaN.
 *
 * @param value - the number to encode.
 * @returns the 16 bits, as an integer in `[0, 65535]`.
 */
export function float16Bits(value: number): number {
  f32[0] = value;
  const bits = f32Bits[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    // A subnormal half (or zero): the 24-bit significand, implicit bit included, shifted into 10 bits.
    if (halfExponent < -10) return sign;
    return sign | roundShift(mantissa | 0x800000, 14 - halfExponent);
  }
  // A normal half; a carry out of the mantissa moves into the exponent (up to Infinity), as it should.
  return sign | ((halfExponent << 10) + roundShift(mantissa, 13));
}

/** `value >> shift`, rounded to nearest with ties to even. */
function roundShift(value: number, shift: number): number {
  const kept = Math.floor(value / 2 ** shift);
  const rest = value - kept * 2 ** shift;
  const half = 2 ** (shift - 1);
  return rest > half || (rest === half && kept % 2 === 1) ? kept + 1 : kept;
}

/**
 * Encodes float32 values as IEEE half-precision floats (see {@link float16Bits}), the storage of a
 * TensorFlow.js weight quantized to `float16`.
 *
 * @param values - the float32 values.
 * @returns their half-precision bits, one `Uint16` per value.
 */
export function encodeFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i += 1) out[i] = float16Bits(values[i]!);
  return out;
}

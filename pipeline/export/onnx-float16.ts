/**
 * IEEE 754 half precision (binary16) by hand, for the FP16 ranker export: ONNX stores a float16
 * initializer as one 16-bit pattern per value (in `int32_data`). Rounding is to nearest, ties to
 * even, straight from the float64 value (no double rounding through float32); magnitudes from
 * 65520 up become ±Infinity, below 2⁻²⁵ ±0, and values under 2⁻¹⁴ are subnormal.
 */

const MIN_NORMAL = 2 ** -14;
const SUBNORMAL_STEP = 2 ** -24;
/** Halfway between the largest half (65504) and 65536: from here on, rounding overflows. */
const OVERFLOW = 65520;

/**
 * The binary16 bit pattern (0–0xffff) nearest to `value`.
 *
 * @example
 * float16Bits(1); // 0x3c00
 * float16Bits(0.1); // 0x2e66 (0.0999755859375)
 */
export function float16Bits(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  if (magnitude >= OVERFLOW) return sign | 0x7c00;
  // Subnormals step by 2⁻²⁴; a result of 1024 steps is the smallest normal, whose bits are 0x0400.
  if (magnitude < MIN_NORMAL) return sign | roundHalfEven(magnitude / SUBNORMAL_STEP);
  let exponent = Math.floor(Math.log2(magnitude));
  if (2 ** exponent > magnitude) exponent--;
  else if (2 ** (exponent + 1) <= magnitude) exponent++;
  let mantissa = roundHalfEven((magnitude / 2 ** exponent - 1) * 1024);
  if (mantissa === 1024) {
    mantissa = 0;
    exponent++;
  }
  return sign | ((exponent + 15) << 10) | mantissa;
}

/** The value of a binary16 bit pattern. */
export function float16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * SUBNORMAL_STEP;
  if (exponent === 31) return mantissa === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** `value` rounded to the nearest half-precision value (as a float64). */
export function roundToFloat16(value: number): number {
  return float16Value(float16Bits(value));
}

function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Half-precision bit patterns by hand: known encodings from the IEEE 754 binary16 tables, rounding ties to even, range ends. */
import { describe, expect, it } from "vitest";
import { float16Bits, float16Value, roundToFloat16 } from "../../../pipeline/export/onnx-float16";

describe("float16Bits", () => {
  it("encodes exactly representable values", () => {
    expect(float16Bits(0)).toBe(0x0000);
    expect(float16Bits(-0)).toBe(0x8000);
    expect(float16Bits(1)).toBe(0x3c00);
    expect(float16Bits(-2)).toBe(0xc000);
    expect(float16Bits(0.5)).toBe(0x3800);
    expect(float16Bits(65504)).toBe(0x7bff);
    expect(float16Bits(2 ** -14)).toBe(0x0400);
    expect(float16Bits(2 ** -24)).toBe(0x0001);
    expect(float16Bits(1023 * 2 ** -24)).toBe(0x03ff);
  });

  it("rounds to nearest, ties to even", () => {
    expect(float16Bits(0.1)).toBe(0x2e66);
    expect(float16Bits(1 / 3)).toBe(0x3555);
    expect(float16Bits(1 + 2 ** -11)).toBe(0x3c00); // halfway between 0x3c00 and 0x3c01: even wins
    expect(float16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // halfway between 0x3c01 and 0x3c02
    expect(float16Bits(2 - 2 ** -12)).toBe(0x4000); // rounds up into the next binade
    expect(float16Bits(2 ** -25)).toBe(0x0000); // halfway to the smallest subnormal: even (0)
    expect(float16Bits(1.5 * 2 ** -24)).toBe(0x0002);
  });

  it("overflows to infinity from 65520 and keeps NaN", () => {
    expect(float16Bits(65519.99)).toBe(0x7bff);
    expect(float16Bits(65520)).toBe(0x7c00);
    expect(float16Bits(Number.NEGATIVE_INFINITY)).toBe(0xfc00);
    expect(Number.isNaN(float16Value(float16Bits(Number.NaN)))).toBe(true);
  });

  it("decodes what it encodes", () => {
    expect(float16Value(0x3555)).toBe(0.333251953125);
    expect(float16Value(0x0001)).toBe(2 ** -24);
    expect(float16Value(0xfc00)).toBe(Number.NEGATIVE_INFINITY);
    for (let bits = 0; bits < 0x7c00; bits += 37) expect(float16Bits(float16Value(bits))).toBe(bits);
    expect(roundToFloat16(Math.PI)).toBe(3.140625);
  });
});

import { describe, expect, it } from "vitest";
import { cholesky, choleskySolve, NotPositiveDefiniteError, solveSymmetricPositiveDefinite } from "../../../shared/math/cholesky";

describe("cholesky", () => {
  it("factors the textbook 3×3 example exactly", () => {
    const a = [25, 15, -5, 15, 18, 0, -5, 0, 11];
    expect(Array.from(cholesky(a, 3))).toEqual([5, 0, 0, 3, 3, 0, -1, 1, 3]);
  });

  it("solves a hand-computed 2×2 system", () => {
    // 4x + 2y = 2, 2x + 3y = 1  →  x = 0.5, y = 0
    const x = solveSymmetricPositiveDefinite([4, 2, 2, 3], [2, 1], 2);
    expect(x[0]).toBeCloseTo(0.5, 12);
    expect(x[1]).toBeCloseTo(0, 12);
  });

  it("reproduces A·x = b on a larger random SPD system", () => {
    const k = 32;
    const m = Array.from({ length: k * k }, (_, i) => Math.sin(i * 1.7) + Math.cos(i * 0.3));
    const a = new Float64Array(k * k);
    for (let i = 0; i < k; i++)
      for (let j = 0; j < k; j++) {
        let sum = i === j ? 1 : 0;
        for (let p = 0; p < k; p++) sum += m[i * k + p]! * m[j * k + p]!;
        a[i * k + j] = sum;
      }
    const b = Array.from({ length: k }, (_, i) => i - 10);
    const x = choleskySolve(cholesky(a, k), b, k);
    for (let i = 0; i < k; i++) {
      let sum = 0;
      for (let j = 0; j < k; j++) sum += a[i * k + j]! * x[j]!;
      expect(sum).toBeCloseTo(b[i]!, 8);
    }
  });

  it("rejects a matrix that is not positive definite", () => {
    expect(() => cholesky([1, 2, 2, 1], 2)).toThrow(NotPositiveDefiniteError);
    expect(() => cholesky([1, 2, 3], 2)).toThrow(RangeError);
  });
});

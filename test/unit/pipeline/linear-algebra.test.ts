import { describe, expect, it } from "vitest";
import { invertSpd, NotPositiveDefiniteError } from "../../../pipeline/math/invert-spd";
import { orthonormalizeColumns } from "../../../pipeline/math/orthonormalize-columns";
import { randomizedSvd, type MatrixOperator } from "../../../pipeline/math/randomized-svd";
import { symmetricEigen } from "../../../pipeline/math/symmetric-eigen";
import { createRng } from "../../../shared/math/random";

/** A random n×n SPD matrix XᵀX + I from a seeded 2n×n X. */
function randomSpd(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const x = Float64Array.from({ length: 2 * n * n }, () => rng.normal());
  const a = new Float64Array(n * n);
  for (let r = 0; r < 2 * n; r++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j]! += x[r * n + i]! * x[r * n + j]!;
  for (let i = 0; i < n; i++) a[i * n + i]! += 1;
  return a;
}

function multiply(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let p = 0; p < n; p++) for (let j = 0; j < n; j++) c[i * n + j]! += a[i * n + p]! * b[p * n + j]!;
  return c;
}

describe("invertSpd", () => {
  it("inverts a 2×2 matrix exactly", () => {
    expect(Array.from(invertSpd(Float64Array.from([4, 2, 2, 3]), 2))).toEqual([0.375, -0.25, -0.25, 0.5]);
  });

  it("returns A⁻¹ with A·A⁻¹ = I for sizes around and across the block size", () => {
    for (const [n, blockSize] of [
      [1, 32],
      [7, 3],
      [40, 8],
      [70, 32],
    ] as const) {
      const a = randomSpd(n, n);
      const inverse = invertSpd(a.slice(), n, { blockSize });
      const product = multiply(a, inverse, n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(product[i * n + j]).toBeCloseTo(i === j ? 1 : 0, 9);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(inverse[i * n + j]).toBe(inverse[j * n + i]);
    }
  });

  it("reads only the upper triangle and reports progress per block", () => {
    const a = randomSpd(10, 3);
    const upperOnly = a.slice();
    for (let i = 0; i < 10; i++) for (let j = 0; j < i; j++) upperOnly[i * 10 + j] = Number.NaN;
    const progress: number[] = [];
    const inverse = invertSpd(upperOnly, 10, { blockSize: 4, onProgress: (done) => progress.push(done) });
    expect(progress).toEqual([4, 8, 10]);
    expect(Array.from(inverse).every(Number.isFinite)).toBe(true);
    expect(Array.from(inverse)).toEqual(Array.from(invertSpd(a.slice(), 10, { blockSize: 4 })));
  });

  it("rejects a matrix that is not positive definite", () => {
    expect(() => invertSpd(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(NotPositiveDefiniteError);
    expect(() => invertSpd(new Float64Array(3), 2)).toThrow(RangeError);
  });
});

describe("symmetricEigen", () => {
  it("finds eigenvalues (descending) and unit eigenvectors with A v = λ v", () => {
    expect(Array.from(symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2).values).map((v) => Number(v.toFixed(12)))).toEqual([3, 1]);
    const n = 6;
    const a = randomSpd(n, 11);
    const { values, vectors } = symmetricEigen(a, n);
    for (let j = 0; j < n; j++) {
      if (j > 0) expect(values[j]!).toBeLessThanOrEqual(values[j - 1]!);
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let p = 0; p < n; p++) av += a[i * n + p]! * vectors[p * n + j]!;
        expect(av).toBeCloseTo(values[j]! * vectors[i * n + j]!, 8);
      }
    }
  });
});

describe("orthonormalizeColumns", () => {
  it("makes columns orthonormal and zeroes a dependent column", () => {
    const m = Float64Array.from([1, 1, 2, 0, 1, 0, 1, 0, 2]); // 3×3, column 2 = 2·column 0
    orthonormalizeColumns(m, 3, 3);
    const dotCols = (a: number, b: number) => m[a]! * m[b]! + m[3 + a]! * m[3 + b]! + m[6 + a]! * m[6 + b]!;
    expect(dotCols(0, 0)).toBeCloseTo(1, 12);
    expect(dotCols(1, 1)).toBeCloseTo(1, 12);
    expect(dotCols(0, 1)).toBeCloseTo(0, 12);
    expect(dotCols(2, 2)).toBe(0);
  });
});

describe("randomizedSvd", () => {
  it("recovers an exact low-rank matrix from products alone", () => {
    const rows = 30;
    const cols = 20;
    const rng = createRng(5);
    const u = Float64Array.from({ length: rows * 3 }, () => rng.normal());
    const v = Float64Array.from({ length: cols * 3 }, () => rng.normal());
    const m = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) for (let r = 0; r < 3; r++) m[i * cols + j]! += u[i * 3 + r]! * v[j * 3 + r]!;
    const operator: MatrixOperator = {
      rows,
      cols,
      multiply: (x, w) => {
        const out = new Float64Array(rows * w);
        for (let i = 0; i < rows; i++)
          for (let j = 0; j < cols; j++) for (let c = 0; c < w; c++) out[i * w + c]! += m[i * cols + j]! * x[j * w + c]!;
        return out;
      },
      multiplyTransposed: (y, w) => {
        const out = new Float64Array(cols * w);
        for (let i = 0; i < rows; i++)
          for (let j = 0; j < cols; j++) for (let c = 0; c < w; c++) out[j * w + c]! += m[i * cols + j]! * y[i * w + c]!;
        return out;
      },
    };
    const svd = randomizedSvd(operator, 3, { seed: 1 });
    expect(svd.rank).toBe(3);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        let approx = 0;
        for (let r = 0; r < 3; r++) approx += svd.u[i * 3 + r]! * svd.s[r]! * svd.v[j * 3 + r]!;
        expect(approx).toBeCloseTo(m[i * cols + j]!, 8);
      }
    }
    expect(svd.s[0]!).toBeGreaterThanOrEqual(svd.s[1]!);
  });
});

/**
 * Cholesky factorisation and solve for small dense symmetric positive-definite systems (k ≤ ~128,
 * row-major Float64Array). Used by the ALS fold-in at the edge and by ridge regressions offline.
 */

/** Thrown when a matrix is not (numerically) symmetric positive definite. */
export class NotPositiveDefiniteError extends Error {
  constructor(readonly column: number) {
    super(`matrix is not positive definite (pivot ${column} ≤ 0)`);
    this.name = "NotPositiveDefiniteError";
  }
}

/**
 * The lower-triangular factor L of `matrix` = L·Lᵀ (row-major k×k; the upper triangle of the
 * result is zero). Only the lower triangle of `matrix` is read.
 * @example
 * const l = cholesky(Float64Array.of(4, 2, 2, 3), 2); // [2, 0, 1, √2]
 */
export function cholesky(matrix: ArrayLike<number>, k: number): Float64Array {
  if (matrix.length !== k * k) throw new RangeError(`expected ${k}×${k} = ${k * k} entries, got ${matrix.length}`);
  const l = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    let diagonal = matrix[j * k + j]!;
    for (let p = 0; p < j; p++) diagonal -= l[j * k + p]! * l[j * k + p]!;
    if (!(diagonal > 0)) throw new NotPositiveDefiniteError(j);
    const pivot = Math.sqrt(diagonal);
    l[j * k + j] = pivot;
    for (let i = j + 1; i < k; i++) {
      let sum = matrix[i * k + j]!;
      for (let p = 0; p < j; p++) sum -= l[i * k + p]! * l[j * k + p]!;
      l[i * k + j] = sum / pivot;
    }
  }
  return l;
}

/** Solves (L·Lᵀ) x = b given the factor from {@link cholesky}; returns a new vector x. */
export function choleskySolve(factor: ArrayLike<number>, b: ArrayLike<number>, k: number): Float64Array {
  if (b.length !== k) throw new RangeError(`right-hand side has ${b.length} entries, expected ${k}`);
  const y = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let sum = b[i]!;
    for (let p = 0; p < i; p++) sum -= factor[i * k + p]! * y[p]!;
    y[i] = sum / factor[i * k + i]!;
  }
  const x = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let p = i + 1; p < k; p++) sum -= factor[p * k + i]! * x[p]!;
    x[i] = sum / factor[i * k + i]!;
  }
  return x;
}

/** Solves A x = b for a symmetric positive-definite k×k `matrix` (row-major). */
export function solveSymmetricPositiveDefinite(matrix: ArrayLike<number>, b: ArrayLike<number>, k: number): Float64Array {
  return choleskySolve(cholesky(matrix, k), b, k);
}

/**
 * Eigen-decomposition of a small dense symmetric matrix by the cyclic Jacobi method: rotations
 * zero the off-diagonal entries one by one until they vanish. O(n³) per sweep and a handful of
 * sweeps, exact to machine precision — right for the ≤ 200×200 matrices of the randomized SVD.
 */

/** Eigenvalues (descending) and the matching unit eigenvectors. */
export interface SymmetricEigen {
  values: Float64Array;
  /** Row-major n×n: column j is the eigenvector of `values[j]`. */
  vectors: Float64Array;
}

/** Options of {@link symmetricEigen}. */
export interface SymmetricEigenOptions {
  maxSweeps: number;
  /** Stop when the off-diagonal Frobenius norm falls below this share of the total. */
  tolerance: number;
}

/** Defaults: 50 sweeps at most (a few suffice), relative tolerance 1e-14. */
export const SYMMETRIC_EIGEN_DEFAULTS = { maxSweeps: 50, tolerance: 1e-14 } as const satisfies SymmetricEigenOptions;

/**
 * Eigen-decomposition of the symmetric `n × n` row-major matrix `matrix` (not modified).
 * @example
 * symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2).values; // [3, 1]
 */
export function symmetricEigen(matrix: Float64Array, n: number, options: Partial<SymmetricEigenOptions> = {}): SymmetricEigen {
  const opts = { ...SYMMETRIC_EIGEN_DEFAULTS, ...options } satisfies SymmetricEigenOptions;
  const a = matrix.slice();
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let total = 0;
  for (let i = 0; i < n * n; i++) total += a[i]! * a[i]!;
  for (let sweep = 0; sweep < opts.maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * a[p * n + q]! * a[p * n + q]!;
    if (off <= opts.tolerance * opts.tolerance * total || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j]! - a[i * n + i]!);
  const values = Float64Array.from(order, (i) => a[i * n + i]!);
  const vectors = new Float64Array(n * n);
  for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) vectors[k * n + j] = v[k * n + order[j]!]!;
  return { values, vectors };
}

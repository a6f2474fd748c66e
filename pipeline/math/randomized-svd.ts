/**
 * Truncated SVD of a matrix known only through products (Halko, Martinsson & Tropp 2011):
 * sample its range with a seeded Gaussian block, sharpen it with power iterations, then take the
 * exact SVD of the small projected matrix. The matrix is never formed, so a model's users × items
 * score matrix can be factorised one user at a time.
 */
import { createRng } from "../../shared/math/random";
import { orthonormalizeColumns } from "./orthonormalize-columns";
import { symmetricEigen } from "./symmetric-eigen";

/** A `rows × cols` matrix M available through block products. */
export interface MatrixOperator {
  rows: number;
  cols: number;
  /** M X for a row-major `cols × width` block X; returns `rows × width`. */
  multiply(block: Float64Array, width: number): Float64Array;
  /** Mᵀ Y for a row-major `rows × width` block Y; returns `cols × width`. */
  multiplyTransposed(block: Float64Array, width: number): Float64Array;
}

/** Options of {@link randomizedSvd}. */
export interface RandomizedSvdOptions {
  /** Extra sampled directions beyond `rank` (improves accuracy of the last components). */
  oversample: number;
  /** Power iterations (each costs two passes over M). */
  powerIterations: number;
  seed: number;
  /** Called after each pass over M. */
  onPass?: (done: number, total: number) => void;
}

/** Defaults: 10 extra directions, 4 power iterations. */
export const RANDOMIZED_SVD_DEFAULTS = { oversample: 10, powerIterations: 4, seed: 42 } as const satisfies RandomizedSvdOptions;

/** M ≈ U diag(S) Vᵀ with `rank` components, largest first. */
export interface TruncatedSvd {
  rank: number;
  /** Row-major `rows × rank`, orthonormal columns. */
  u: Float64Array;
  /** Singular values, descending. */
  s: Float64Array;
  /** Row-major `cols × rank`, orthonormal columns. */
  v: Float64Array;
}

/** The leading `rank` singular triplets of `operator`. */
export function randomizedSvd(operator: MatrixOperator, rank: number, options: Partial<RandomizedSvdOptions> = {}): TruncatedSvd {
  const opts = { ...RANDOMIZED_SVD_DEFAULTS, ...options } satisfies RandomizedSvdOptions;
  const { rows, cols } = operator;
  const r = Math.max(1, Math.min(rank, rows, cols));
  const width = Math.min(r + opts.oversample, rows, cols);
  const rng = createRng(opts.seed);
  const passes = 2 + 2 * opts.powerIterations;
  let pass = 0;
  const step = () => opts.onPass?.(++pass, passes);
  const omega = Float64Array.from({ length: cols * width }, () => rng.normal());
  let y = orthonormalizeColumns(operator.multiply(omega, width), rows, width);
  step();
  for (let i = 0; i < opts.powerIterations; i++) {
    const z = orthonormalizeColumns(operator.multiplyTransposed(y, width), cols, width);
    step();
    y = orthonormalizeColumns(operator.multiply(z, width), rows, width);
    step();
  }
  // B = Yᵀ M (width × cols) is held transposed: Bt = Mᵀ Y (cols × width).
  const bt = operator.multiplyTransposed(y, width);
  step();
  const gram = new Float64Array(width * width);
  for (let c = 0; c < cols; c++) {
    const row = c * width;
    for (let a = 0; a < width; a++) {
      const value = bt[row + a]!;
      if (value === 0) continue;
      for (let b = a; b < width; b++) gram[a * width + b]! += value * bt[row + b]!;
    }
  }
  for (let a = 0; a < width; a++) for (let b = 0; b < a; b++) gram[a * width + b] = gram[b * width + a]!;
  const { values, vectors } = symmetricEigen(gram, width);
  const s = new Float64Array(r);
  const u = new Float64Array(rows * r);
  const v = new Float64Array(cols * r);
  for (let j = 0; j < r; j++) {
    const sigma = Math.sqrt(Math.max(values[j]!, 0));
    s[j] = sigma;
    for (let i = 0; i < rows; i++) {
      let sum = 0;
      for (let a = 0; a < width; a++) sum += y[i * width + a]! * vectors[a * width + j]!;
      u[i * r + j] = sum;
    }
    if (sigma === 0) continue;
    for (let c = 0; c < cols; c++) {
      let sum = 0;
      for (let a = 0; a < width; a++) sum += bt[c * width + a]! * vectors[a * width + j]!;
      v[c * r + j] = sum / sigma;
    }
  }
  return { rank: r, u, s, v };
}

/**
 * The Gram matrix FᵀF (+ λI) of a row-major factor matrix: ALS training solves against it, the
 * fold-in model publishes it, and fold-in calibration measures with it.
 */

/** FᵀF + λI for a row-major `rows × k` matrix F, as a dense symmetric k×k Float64 matrix. */
export function gramMatrix(factors: ArrayLike<number>, rows: number, k: number, lambda = 0): Float64Array {
  const gram = new Float64Array(k * k);
  for (let row = 0; row < rows; row++) {
    const offset = row * k;
    for (let a = 0; a < k; a++) {
      const fa = factors[offset + a]!;
      if (fa === 0) continue;
      for (let b = a; b < k; b++) gram[a * k + b]! += fa * factors[offset + b]!;
    }
  }
  for (let a = 0; a < k; a++) {
    gram[a * k + a]! += lambda;
    for (let b = a + 1; b < k; b++) gram[b * k + a] = gram[a * k + b]!;
  }
  return gram;
}

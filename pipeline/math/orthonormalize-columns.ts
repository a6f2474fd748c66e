/**
 * Orthonormalises the columns of a tall row-major matrix in place by modified Gram–Schmidt, run
 * twice ("twice is enough", Giraud et al. 2005) so the result is orthogonal to machine precision
 * even when power iterations have made the columns nearly parallel. Columns that vanish are set
 * to zero rather than divided by ~0.
 */

/** Orthonormalises the `cols` columns of the `rows × cols` row-major `matrix`; returns it. */
export function orthonormalizeColumns(matrix: Float64Array, rows: number, cols: number): Float64Array {
  if (matrix.length !== rows * cols) throw new RangeError(`expected ${rows}×${cols} entries, got ${matrix.length}`);
  const norms = new Float64Array(cols);
  for (let j = 0; j < cols; j++) for (let r = 0; r < rows; r++) norms[j]! += matrix[r * cols + j]! ** 2;
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < cols; j++) {
      for (let p = 0; p < j; p++) {
        let projection = 0;
        for (let r = 0; r < rows; r++) projection += matrix[r * cols + j]! * matrix[r * cols + p]!;
        if (projection === 0) continue;
        for (let r = 0; r < rows; r++) matrix[r * cols + j]! -= projection * matrix[r * cols + p]!;
      }
      let norm = 0;
      for (let r = 0; r < rows; r++) norm += matrix[r * cols + j]! ** 2;
      norm = Math.sqrt(norm);
      const vanished = !(norm > 1e-10 * Math.sqrt(norms[j]!)) || norm === 0;
      for (let r = 0; r < rows; r++) matrix[r * cols + j] = vanished ? 0 : matrix[r * cols + j]! / norm;
    }
  }
  return matrix;
}

/**
 * The two dense-times-sparse steps of Cleora-style graph embeddings (Rychalska et al. 2021): a
 * deterministic random start (every coordinate ±1/√d from a seeded generator) and one propagation
 * step E′ = normalize_rows(M · E) with M the random-walk (row-stochastic) adjacency of a weighted
 * sparse graph. Accumulates in Float64, stores Float32.
 */
import { createRng } from "../../shared/math/random";

/** A weighted sparse matrix in CSR form (e.g. one side of a bipartite graph's adjacency). */
export interface WeightedCsr {
  rows: number;
  cols: number;
  /** Row `r` occupies entries `indptr[r] .. indptr[r + 1]`. */
  indptr: Int32Array;
  /** Column of each entry. */
  indices: Int32Array;
  /** Edge weight of each entry (≥ 0). */
  weights: ArrayLike<number>;
}

/**
 * `rows × dimensions` row-major embeddings with every coordinate ±1/√dimensions (unit rows), drawn
 * from a generator seeded with `seed`: equal seeds give equal matrices.
 */
export function randomSignRows(rows: number, dimensions: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const scale = 1 / Math.sqrt(dimensions);
  const out = new Float32Array(rows * dimensions);
  for (let i = 0; i < out.length; i++) out[i] = rng.next() < 0.5 ? -scale : scale;
  return out;
}

/**
 * One propagation step: row r of the result is the random-walk average of the source rows of its
 * neighbours, Σₑ (wₑ / Σ w) · source[indices[e]], scaled to unit L2 length. A row without edges
 * (or whose weights, or whose average, is zero) is the zero vector. `source` is
 * `graph.cols × dimensions`, the result `graph.rows × dimensions` (written into `out` when given).
 */
export function propagateRows(
  graph: WeightedCsr,
  source: Float32Array,
  dimensions: number,
  out: Float32Array = new Float32Array(graph.rows * dimensions),
): Float32Array {
  if (source.length !== graph.cols * dimensions) {
    throw new RangeError(`source has ${source.length} values, expected ${graph.cols} × ${dimensions}`);
  }
  const d = dimensions;
  const row = new Float64Array(d);
  for (let r = 0; r < graph.rows; r++) {
    row.fill(0);
    let total = 0;
    for (let e = graph.indptr[r]!; e < graph.indptr[r + 1]!; e++) total += graph.weights[e]!;
    const target = r * d;
    if (total > 0) {
      for (let e = graph.indptr[r]!; e < graph.indptr[r + 1]!; e++) {
        const w = graph.weights[e]! / total;
        const from = graph.indices[e]! * d;
        for (let j = 0; j < d; j++) row[j]! += w * source[from + j]!;
      }
    }
    let norm = 0;
    for (let j = 0; j < d; j++) norm += row[j]! * row[j]!;
    norm = Math.sqrt(norm);
    for (let j = 0; j < d; j++) out[target + j] = norm > 0 ? row[j]! / norm : 0;
  }
  return out;
}

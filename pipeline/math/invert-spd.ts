/**
 * In-place inverse of a dense symmetric positive-definite matrix (row-major Float64Array) by
 * Gauss–Jordan elimination in its symmetric "sweep" form (Goodnight 1979): sweeping every pivot
 * turns A into −A⁻¹ while the matrix stays symmetric, so only the upper triangle is updated
 * (n³/2 multiply-adds, the cost of a Cholesky-based inverse). Pivots are swept in blocks: the
 * block's effect on the rest of the matrix is one rank-b update applied row by row, so each row
 * is read once per block instead of once per pivot and the solver runs near compute speed rather
 * than memory speed. This is the solver behind EASE's closed form, where A = XᵀX + λI is SPD.
 */

import { NotPositiveDefiniteError } from "../../shared/math/cholesky";

export { NotPositiveDefiniteError };

/** Options of {@link invertSpd}. */
export interface InvertSpdOptions {
  /** Pivots swept together (the rank of each delayed update). */
  blockSize: number;
  /** Called after each block with the number of pivots done (for progress bars). */
  onProgress?: (pivotsDone: number, size: number) => void;
}

/** Default block size: 32 rows of coefficients stay in L2 for catalogues up to ~10⁴ items. */
export const INVERT_SPD_DEFAULTS = { blockSize: 32 } as const satisfies InvertSpdOptions;

/**
 * Replaces the `n × n` symmetric positive-definite matrix `a` with its inverse and returns it.
 * Only the upper triangle of the input is read; the full symmetric inverse is written.
 * @example
 * invertSpd(Float64Array.from([4, 2, 2, 3]), 2); // [0.375, -0.25, -0.25, 0.5]
 */
export function invertSpd(a: Float64Array, n: number, options: Partial<InvertSpdOptions> = {}): Float64Array {
  const opts = { ...INVERT_SPD_DEFAULTS, ...options } satisfies InvertSpdOptions;
  if (a.length !== n * n) throw new RangeError(`expected ${n}×${n} = ${n * n} entries, got ${a.length}`);
  const b = Math.max(1, Math.min(opts.blockSize, n));
  const column = new Float64Array(n * b);
  const block = new Float64Array(b * b);
  const update = new Float64Array(b * n);
  for (let k0 = 0; k0 < n; k0 += b) {
    const k1 = Math.min(n, k0 + b);
    const size = k1 - k0;
    gatherColumnBlock(a, n, k0, k1, column, b);
    for (let q = 0; q < size; q++) for (let r = 0; r < size; r++) block[q * size + r] = column[(k0 + q) * b + r]!;
    sweepSmall(block, size, k0);
    computeUpdate(block, size, column, b, n, k0, k1, update);
    rankUpdate(a, n, k0, k1, column, b, update);
    for (let q = 0; q < size; q++) {
      const kq = k0 + q;
      const m = q * n;
      for (let j = 0; j < k0; j++) a[j * n + kq] = update[m + j]!;
      for (let j = k1; j < n; j++) a[kq * n + j] = update[m + j]!;
      for (let r = q; r < size; r++) a[kq * n + k0 + r] = block[q * size + r]!;
    }
    opts.onProgress?.(k1, n);
  }
  negateIntoFullSymmetric(a, n);
  return a;
}

/** a ← −a, with the lower triangle copied from the upper one in cache-sized tiles. */
function negateIntoFullSymmetric(a: Float64Array, n: number): void {
  const tile = 64;
  for (let i0 = 0; i0 < n; i0 += tile) {
    const i1 = Math.min(n, i0 + tile);
    for (let i = i0; i < i1; i++) for (let j = i; j < n; j++) a[i * n + j] = -a[i * n + j]!;
    for (let j0 = i0; j0 < n; j0 += tile) {
      const j1 = Math.min(n, j0 + tile);
      for (let i = i0; i < i1; i++) {
        for (let j = Math.max(j0, i + 1); j < j1; j++) a[j * n + i] = a[i * n + j]!;
      }
    }
  }
}

/** column[i·b + r] = A[i, k0 + r] for every row i, read from the upper triangle. */
function gatherColumnBlock(a: Float64Array, n: number, k0: number, k1: number, column: Float64Array, b: number): void {
  for (let i = 0; i < k1; i++) {
    const out = i * b;
    for (let k = Math.max(k0, i); k < k1; k++) column[out + k - k0] = a[i * n + k]!;
  }
  for (let k = k0; k < k1; k++) {
    const row = k * n;
    for (let i = k + 1; i < n; i++) column[i * b + k - k0] = a[row + i]!;
  }
}

/** Sweeps every pivot of a small dense symmetric matrix in place (result: −M⁻¹). */
function sweepSmall(m: Float64Array, size: number, offset: number): void {
  for (let k = 0; k < size; k++) {
    const d = m[k * size + k]!;
    if (!(d > 0)) {
      throw new NotPositiveDefiniteError(offset + k);
    }
    for (let i = 0; i < size; i++) {
      if (i === k) continue;
      const f = m[i * size + k]! / d;
      if (f === 0) continue;
      for (let j = 0; j < size; j++) if (j !== k) m[i * size + j]! -= f * m[k * size + j]!;
    }
    for (let i = 0; i < size; i++) {
      if (i === k) continue;
      m[i * size + k] = m[i * size + k]! / d;
      m[k * size + i] = m[k * size + i]! / d;
    }
    m[k * size + k] = -1 / d;
  }
}

/** update[q·n + j] = (A_KK⁻¹ A_K,j)[q] for j outside the block, 0 inside it. */
function computeUpdate(
  swept: Float64Array,
  size: number,
  column: Float64Array,
  b: number,
  n: number,
  k0: number,
  k1: number,
  update: Float64Array,
): void {
  for (let q = 0; q < size; q++) {
    const m = q * n;
    for (let j = 0; j < n; j++) {
      if (j >= k0 && j < k1) {
        update[m + j] = 0;
        continue;
      }
      let sum = 0;
      const c = j * b;
      for (let r = 0; r < size; r++) sum -= swept[q * size + r]! * column[c + r]!;
      update[m + j] = sum;
    }
  }
}

/**
 * A[i, j] −= Σ_q A[i, k_q] · update[q, j] for every row i outside the block and j ≥ i. Rows go in
 * pairs and pivots in groups of eight so each loaded update value feeds 16 multiply-adds (the
 * pair's second row also writes a few entries below the diagonal; only the upper triangle is read).
 */
function rankUpdate(a: Float64Array, n: number, k0: number, k1: number, column: Float64Array, b: number, update: Float64Array): void {
  const size = k1 - k0;
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (i < k0 || i >= k1) rows.push(i);
  let t = 0;
  for (; t + 1 < rows.length; t += 2) {
    const i = rows[t]!;
    const i2 = rows[t + 1]!;
    let q = 0;
    for (; q + 7 < size; q += 8) updatePair8(a, i * n, i2 * n, update, q * n, column, i * b + q, i2 * b + q, n, i);
    for (; q < size; q++) {
      updateRow1(a, i * n, update, q * n, column[i * b + q]!, n, i);
      updateRow1(a, i2 * n, update, q * n, column[i2 * b + q]!, n, i);
    }
  }
  if (t < rows.length) {
    const i = rows[t]!;
    for (let q = 0; q < size; q++) updateRow1(a, i * n, update, q * n, column[i * b + q]!, n, i);
  }
}

/** Rows r0 and r1 of `a` (offsets), columns from..n: minus 8 coefficient-weighted update rows. */
function updatePair8(
  a: Float64Array,
  r0: number,
  r1: number,
  u: Float64Array,
  m0: number,
  c: Float64Array,
  ci: number,
  cj: number,
  n: number,
  from: number,
): void {
  const c0 = c[ci]!,
    c1 = c[ci + 1]!,
    c2 = c[ci + 2]!,
    c3 = c[ci + 3]!;
  const c4 = c[ci + 4]!,
    c5 = c[ci + 5]!,
    c6 = c[ci + 6]!,
    c7 = c[ci + 7]!;
  const d0 = c[cj]!,
    d1 = c[cj + 1]!,
    d2 = c[cj + 2]!,
    d3 = c[cj + 3]!;
  const d4 = c[cj + 4]!,
    d5 = c[cj + 5]!,
    d6 = c[cj + 6]!,
    d7 = c[cj + 7]!;
  const m1 = m0 + n,
    m2 = m1 + n,
    m3 = m2 + n,
    m4 = m3 + n,
    m5 = m4 + n,
    m6 = m5 + n,
    m7 = m6 + n;
  for (let j = from; j < n; j++) {
    const u0 = u[m0 + j]!,
      u1 = u[m1 + j]!,
      u2 = u[m2 + j]!,
      u3 = u[m3 + j]!;
    const u4 = u[m4 + j]!,
      u5 = u[m5 + j]!,
      u6 = u[m6 + j]!,
      u7 = u[m7 + j]!;
    a[r0 + j]! -= c0 * u0 + c1 * u1 + c2 * u2 + c3 * u3 + c4 * u4 + c5 * u5 + c6 * u6 + c7 * u7;
    a[r1 + j]! -= d0 * u0 + d1 * u1 + d2 * u2 + d3 * u3 + d4 * u4 + d5 * u5 + d6 * u6 + d7 * u7;
  }
}

function updateRow1(a: Float64Array, row: number, u: Float64Array, m: number, c: number, n: number, from: number): void {
  if (c === 0) return;
  for (let j = from; j < n; j++) a[row + j]! -= c * u[m + j]!;
}

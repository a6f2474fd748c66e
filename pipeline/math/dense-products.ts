/**
 * The two dense products of a randomized SVD pass over a block of score rows, register-blocked
 * (two rows × four columns per inner loop) because plain per-element loops leave JavaScript far
 * from the machine's multiply-add throughput:
 *
 * - `rowsTimesColumns`: out = A Bᵀ for A (`rows × n`) and Bᵀ given row-major (`width × n`);
 * - `addTransposedProduct`: outT += Yᵀ A for Y (`rows × width`) and A (`rows × n`), outT `width × n`.
 */

/** out[r·width + w] = Σᵢ a[r·n + i] · bT[w·n + i]; returns `out` (`rows × width`). */
export function rowsTimesColumns(
  a: Float64Array,
  rows: number,
  n: number,
  bT: Float64Array,
  width: number,
  out: Float64Array = new Float64Array(rows * width),
): Float64Array {
  let r = 0;
  for (; r + 1 < rows; r += 2) {
    const a0 = r * n;
    const a1 = a0 + n;
    let w = 0;
    for (; w + 3 < width; w += 4) {
      const b0 = w * n;
      const b1 = b0 + n;
      const b2 = b1 + n;
      const b3 = b2 + n;
      let s00 = 0,
        s01 = 0,
        s02 = 0,
        s03 = 0,
        s10 = 0,
        s11 = 0,
        s12 = 0,
        s13 = 0;
      for (let i = 0; i < n; i++) {
        const x0 = a[a0 + i]!;
        const x1 = a[a1 + i]!;
        const y0 = bT[b0 + i]!;
        const y1 = bT[b1 + i]!;
        const y2 = bT[b2 + i]!;
        const y3 = bT[b3 + i]!;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
      }
      out[r * width + w] = s00;
      out[r * width + w + 1] = s01;
      out[r * width + w + 2] = s02;
      out[r * width + w + 3] = s03;
      out[(r + 1) * width + w] = s10;
      out[(r + 1) * width + w + 1] = s11;
      out[(r + 1) * width + w + 2] = s12;
      out[(r + 1) * width + w + 3] = s13;
    }
    for (; w < width; w++) {
      out[r * width + w] = dot(a, a0, bT, w * n, n);
      out[(r + 1) * width + w] = dot(a, a1, bT, w * n, n);
    }
  }
  for (; r < rows; r++) for (let w = 0; w < width; w++) out[r * width + w] = dot(a, r * n, bT, w * n, n);
  return out;
}

/** outT[w·n + i] += Σ_r y[r·width + w] · a[r·n + i]; returns `outT` (`width × n`). */
export function addTransposedProduct(
  y: Float64Array,
  a: Float64Array,
  rows: number,
  n: number,
  width: number,
  outT: Float64Array,
): Float64Array {
  let r = 0;
  for (; r + 1 < rows; r += 2) {
    const a0 = r * n;
    const a1 = a0 + n;
    let w = 0;
    for (; w + 3 < width; w += 4) {
      const c00 = y[r * width + w]!,
        c01 = y[r * width + w + 1]!,
        c02 = y[r * width + w + 2]!,
        c03 = y[r * width + w + 3]!;
      const c10 = y[(r + 1) * width + w]!,
        c11 = y[(r + 1) * width + w + 1]!;
      const c12 = y[(r + 1) * width + w + 2]!,
        c13 = y[(r + 1) * width + w + 3]!;
      const o0 = w * n;
      const o1 = o0 + n;
      const o2 = o1 + n;
      const o3 = o2 + n;
      for (let i = 0; i < n; i++) {
        const x0 = a[a0 + i]!;
        const x1 = a[a1 + i]!;
        outT[o0 + i]! += c00 * x0 + c10 * x1;
        outT[o1 + i]! += c01 * x0 + c11 * x1;
        outT[o2 + i]! += c02 * x0 + c12 * x1;
        outT[o3 + i]! += c03 * x0 + c13 * x1;
      }
    }
    for (; w < width; w++) {
      const c0 = y[r * width + w]!;
      const c1 = y[(r + 1) * width + w]!;
      const o = w * n;
      for (let i = 0; i < n; i++) outT[o + i]! += c0 * a[a0 + i]! + c1 * a[a1 + i]!;
    }
  }
  for (; r < rows; r++) {
    for (let w = 0; w < width; w++) {
      const c = y[r * width + w]!;
      const o = w * n;
      for (let i = 0; i < n; i++) outT[o + i]! += c * a[r * n + i]!;
    }
  }
  return outT;
}

function dot(a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += a[aOffset + i]! * b[bOffset + i]!;
  return sum;
}

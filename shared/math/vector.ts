/**
 * Dense vector arithmetic on plain or typed arrays: the few operations that training, export and
 * the edge (fold-in, MMR, ANN fallback) all need. Platform-neutral.
 */

/** A readable dense vector. */
export type VectorLike = ArrayLike<number>;

/** A writable dense vector. */
export type MutableVector = { [index: number]: number; readonly length: number };

/** Dot product of the first `length` entries of `a` and `b` (default: `a.length`). */
export function dot(a: VectorLike, b: VectorLike, length = a.length): number {
  let sum = 0;
  for (let i = 0; i < length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** Euclidean (L2) norm. */
export function l2Norm(a: VectorLike): number {
  return Math.sqrt(dot(a, a));
}

/** Scales `a` to unit length in place (a zero vector stays zero); returns `a`. */
export function normalizeInPlace<T extends MutableVector>(a: T): T {
  const norm = l2Norm(a);
  if (norm > 0) for (let i = 0; i < a.length; i++) a[i] = a[i]! / norm;
  return a;
}

/** Cosine similarity; 0 when either vector is zero. */
export function cosineSimilarity(a: VectorLike, b: VectorLike): number {
  const denominator = l2Norm(a) * l2Norm(b);
  return denominator > 0 ? dot(a, b) / denominator : 0;
}

/** The logistic function 1 / (1 + e^-z), computed without overflow for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

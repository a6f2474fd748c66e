/**
 * Shortens Float32 values for text artifacts: the shortest decimal that parses back to the same
 * float32, so `[0.12345679]` instead of `[0.12345679104328156]` with no loss of precision.
 */

/** The number with the fewest significant digits that rounds to the same float32 as `value`. */
export function shortestFloat32(value: number): number {
  const target = Math.fround(value);
  if (target === 0) return 0;
  if (!Number.isFinite(target)) return target;
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(target.toPrecision(digits));
    if (Math.fround(candidate) === target) return candidate;
  }
  return Number(target.toPrecision(9));
}

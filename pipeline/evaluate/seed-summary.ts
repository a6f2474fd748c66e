/**
 * Mean and spread over seeds: the sample mean and the sample standard deviation (n − 1 in the
 * denominator; 0 for a single seed) of each metric, the form the report's "mean ± std" takes.
 */

/** Mean and sample standard deviation of one metric. */
export interface MeanStd {
  mean: number;
  std: number;
}

/** Mean and sample standard deviation of `values` (NaN mean for none). */
export function meanStd(values: readonly number[]): MeanStd {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, std: 0 };
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1);
  return { mean, std: Math.sqrt(variance) };
}

/** `mean ± std` with `digits` decimals, e.g. `0.4821 ± 0.0031`. */
export function formatMeanStd(value: MeanStd, digits = 4): string {
  if (!Number.isFinite(value.mean)) return "n/a";
  return `${value.mean.toFixed(digits)} ± ${value.std.toFixed(digits)}`;
}

/**
 * Wilson score interval for a binomial proportion (successes out of trials): well-behaved for
 * small counts and rates near 0 or 1, where the normal approximation is not. Used for per-arm CTR
 * and conversion rates in experiment reports.
 */

/** The proportion and its confidence interval. */
export interface ProportionEstimate {
  value: number;
  low: number;
  high: number;
}

/** Rate and Wilson interval at z (1.96 ≈ 95 %); trials 0 gives value 0 and the interval [0, 1]. */
export function wilsonInterval(successes: number, trials: number, z = 1.96): ProportionEstimate {
  if (trials <= 0) return { value: 0, low: 0, high: 1 };
  const p = Math.min(1, Math.max(0, successes / trials));
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const margin = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  return { value: p, low: Math.max(0, centre - margin), high: Math.min(1, centre + margin) };
}

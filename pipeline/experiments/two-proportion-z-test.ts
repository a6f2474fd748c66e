/**
 * Two-proportion z-test: is the rate x₁/n₁ of an arm different from the control's x₀/n₀? Pooled
 * standard error, two-sided p-value from the standard normal distribution. Adequate for the
 * large counts of CTR comparisons; report it beside the Wilson intervals, not instead of them.
 */

/** Test statistic and two-sided p-value. */
export interface ZTestResult {
  /** (p₁ − p₀) / pooled standard error; 0 when undefined. */
  z: number;
  /** Two-sided p-value; 1 when either side has no trials or the pooled rate is 0 or 1. */
  pValue: number;
}

/**
 * Compares `successes / trials` of an arm with the control's.
 * @example
 * twoProportionZTest({ successes: 20, trials: 100 }, { successes: 10, trials: 100 });
 * // { z: 1.980…, pValue: 0.0477… }
 */
export function twoProportionZTest(
  arm: { successes: number; trials: number },
  control: { successes: number; trials: number },
): ZTestResult {
  if (arm.trials <= 0 || control.trials <= 0) return { z: 0, pValue: 1 };
  const pooled = (arm.successes + control.successes) / (arm.trials + control.trials);
  const standardError = Math.sqrt(pooled * (1 - pooled) * (1 / arm.trials + 1 / control.trials));
  if (!(standardError > 0)) return { z: 0, pValue: 1 };
  const z = (arm.successes / arm.trials - control.successes / control.trials) / standardError;
  return { z, pValue: Math.min(1, erfc(Math.abs(z) / Math.SQRT2)) };
}

/** Complementary error function, |relative error| < 1.2·10⁻⁷ (Numerical Recipes' Chebyshev fit). */
export function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? y : 2 - y;
}

/**
 * User-level inference for a ratio metric such as CTR = Σ clicks / Σ impressions. Users, not
 * impressions, are what the experiment randomises, and one user's impressions are correlated (some
 * users click a lot, some never), so a binomial test over impressions understates the variance.
 * The delta method (Deng, Knoblich & Lu, "Applying the Delta Method in Metric Analytics", KDD 2018)
 * treats each user as one observation (xᵢ, nᵢ) and linearises R = x̄ / n̄:
 *
 *   Var(R) ≈ (s²ₓ − 2R·sₓₙ + R²·s²ₙ) / (N·n̄²)
 *
 * with sample (N − 1) variances and covariance across the N users. The bracket equals the sample
 * variance of the residuals xᵢ − R·nᵢ (their mean is 0), which is how it is computed here: one
 * pass, never negative. When every user has exactly one impression this is p(1 − p)/(N − 1), the
 * binomial variance with N − 1 for N.
 */
import { type ProportionEstimate, wilsonInterval } from "./wilson-interval";

/** One user's numerator (e.g. clicks) and denominator (e.g. impressions). */
export interface UserRatioCounts {
  numerator: number;
  denominator: number;
}

/** An arm's ratio and its delta-method variance. */
export interface RatioEstimate {
  /** Σ numerator / Σ denominator; 0 when the denominators sum to 0. */
  ratio: number;
  /** Delta-method Var(ratio); null when it cannot be estimated (fewer than 2 users, or Σ denominator = 0). */
  variance: number | null;
  users: number;
  /** Σ denominator over the users (e.g. impressions). */
  denominator: number;
}

/** Arm-vs-control test statistic and two-sided p-value. */
export interface RatioTestResult {
  /** (R₁ − R₀) / √(V₁ + V₀); 0 when either variance is unknown or both are 0. */
  z: number;
  /** Two-sided normal p-value; 1 whenever z is 0 by the rule above. */
  pValue: number;
}

/**
 * The ratio of one arm's users and its delta-method variance.
 * @example
 * ratioDeltaEstimate([{ numerator: 1, denominator: 2 }, { numerator: 0, denominator: 2 }, { numerator: 2, denominator: 4 }]);
 * // { ratio: 0.375, variance: 0.0205078125, users: 3, denominator: 8 }
 */
export function ratioDeltaEstimate(users: Iterable<UserRatioCounts>): RatioEstimate {
  const samples = [...users];
  const count = samples.length;
  let numerator = 0;
  let denominator = 0;
  for (const user of samples) {
    numerator += user.numerator;
    denominator += user.denominator;
  }
  if (denominator <= 0) return { ratio: 0, variance: null, users: count, denominator };
  const ratio = numerator / denominator;
  if (count < 2) return { ratio, variance: null, users: count, denominator };
  let squaredResiduals = 0;
  for (const user of samples) squaredResiduals += (user.numerator - ratio * user.denominator) ** 2;
  const meanDenominator = denominator / count;
  const variance = squaredResiduals / (count - 1) / (count * meanDenominator * meanDenominator);
  return { ratio, variance, users: count, denominator };
}

/** Tests whether the arm's ratio differs from the control's (unpooled, two-sided). */
export function ratioDeltaTest(arm: RatioEstimate, control: RatioEstimate): RatioTestResult {
  if (arm.variance === null || control.variance === null) return { z: 0, pValue: 1 };
  const standardError = Math.sqrt(arm.variance + control.variance);
  if (!(standardError > 0)) return { z: 0, pValue: 1 };
  const z = (arm.ratio - control.ratio) / standardError;
  return { z, pValue: twoSidedNormalPValue(z) };
}

/**
 * The ratio ± z·√variance, clipped (value included) to [0, 1]. Unknown variance gives [0, 1]; a
 * zero variance (e.g. no user clicked) collapses the interval onto the value — like any Wald
 * interval it is too narrow for rates near 0 with few users.
 */
export function ratioDeltaInterval(estimate: RatioEstimate, z = 1.96): ProportionEstimate {
  const value = clipToUnit(estimate.ratio);
  if (estimate.variance === null) return { value, low: 0, high: 1 };
  const margin = z * Math.sqrt(estimate.variance);
  return { value, low: clipToUnit(estimate.ratio - margin), high: clipToUnit(estimate.ratio + margin) };
}

/**
 * The interval of a ratio counted in random groups of users — the live A/B counters' shards, to
 * which users are assigned by a hash — when per-user counts are not kept: the delta method over
 * the groups' totals (each group a unit) with Student's t for the few units, widened to at least
 * the Wilson interval of the pooled counts (which would be right if impressions were independent,
 * and is what remains when the groups happen to agree).
 * @example
 * groupedRatioInterval([{ numerator: 5, denominator: 100 }, { numerator: 25, denominator: 100 }, { numerator: 3, denominator: 90 }]);
 */
export function groupedRatioInterval(groups: readonly UserRatioCounts[]): ProportionEstimate {
  const counted = groups.filter((group) => group.denominator > 0);
  const estimate = ratioDeltaEstimate(counted);
  const pooled = wilsonInterval(
    counted.reduce((sum, group) => sum + group.numerator, 0),
    estimate.denominator,
  );
  if (estimate.variance === null) return pooled;
  const grouped = ratioDeltaInterval(estimate, studentT975(counted.length - 1));
  return { value: pooled.value, low: Math.min(pooled.low, grouped.low), high: Math.max(pooled.high, grouped.high) };
}

/** Two-sided 95 % quantiles of Student's t for 1–30 degrees of freedom. */
const STUDENT_T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086,
  2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** t₀.₉₇₅ with `dof` degrees of freedom (table to 30, then 1.96 + 2.5/dof, within 0.002 of exact). */
export function studentT975(dof: number): number {
  if (!(dof >= 1)) return Number.POSITIVE_INFINITY;
  return dof <= STUDENT_T_975.length ? STUDENT_T_975[Math.floor(dof) - 1]! : 1.96 + 2.5 / dof;
}

/** P(|Z| ≥ |z|) for a standard normal Z. */
function twoSidedNormalPValue(z: number): number {
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}

function clipToUnit(x: number): number {
  return Math.min(1, Math.max(0, x));
}

/** Complementary error function for x ≥ 0, |relative error| < 1.2·10⁻⁷ (Numerical Recipes' Chebyshev fit). */
function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  return (
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    )
  );
}

/**
 * Blends the trained user vector (or, for a new user, a demographic seed) with the fresh session
 * vector: x = (1 − β)·prior + β·session with β = s / (s + κ), where s is the session's evidence
 * (summed positive event weight) and κ the prior's strength in the same units. One click moves a
 * trained user a little, a few moves them a lot; without a prior the session vector is used as is.
 */

/** Options of {@link blendUserVector}. */
export interface BlendUserVectorOptions {
  /** κ: how many units of session evidence weigh as much as the prior. */
  priorStrength: number;
}

/** Default κ = 2: one click (weight 1) gives the session a third of the say, a like (4) two thirds. */
export const BLEND_USER_VECTOR_DEFAULTS = { priorStrength: 2 } as const satisfies BlendUserVectorOptions;

/** The blended vector and the session's share β (0 when there was no session vector). */
export interface BlendedUserVector {
  vector: number[] | null;
  sessionShare: number;
}

/** Blends `prior` and `session` (either may be null; both must have the same length when given). */
export function blendUserVector(
  prior: readonly number[] | null,
  session: { vector: readonly number[]; strength: number } | null,
  options: Partial<BlendUserVectorOptions> = {},
): BlendedUserVector {
  const { priorStrength } = { ...BLEND_USER_VECTOR_DEFAULTS, ...options } satisfies BlendUserVectorOptions;
  if (!session) return { vector: prior ? [...prior] : null, sessionShare: 0 };
  if (!prior || prior.length !== session.vector.length) return { vector: [...session.vector], sessionShare: 1 };
  const strength = Math.max(0, session.strength);
  const share = strength + priorStrength > 0 ? strength / (strength + priorStrength) : 0;
  return { vector: prior.map((p, d) => (1 - share) * p + share * session.vector[d]!), sessionShare: share };
}

/**
 * Demographic segments: the keys under which the pipeline publishes a mean user vector per
 * segment (`FoldInModel.segmentVectors`) and under which a new user's onboarding demographics look
 * them up. One definition for both sides, so the keys always match.
 */

/** Demographics a user may give at onboarding (all optional; free-form short strings). */
export interface Demographics {
  age_bucket?: string;
  gender?: string;
  country?: string;
  device?: string;
}

/** The demographic fields, in the order segments are listed. */
export const DEMOGRAPHIC_FIELDS = ["age_bucket", "gender", "country", "device"] as const satisfies readonly (keyof Demographics)[];

/** The segment keys of a profile, e.g. `["age_bucket:25-34", "country:DE"]`. */
export function demographicSegments(profile: Demographics | undefined): string[] {
  if (!profile) return [];
  return DEMOGRAPHIC_FIELDS.flatMap((field) => {
    const value = profile[field]?.trim();
    return value ? [`${field}:${value}`] : [];
  });
}

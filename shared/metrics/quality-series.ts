/**
 * The hourly quality series the MetricsAggregate objects keep for QUALITY_WINDOW_HOURS
 * (metrics-aggregate-contract.ts), read by the quality report (quality-report.ts):
 *
 * | key | cell | what |
 * |---|---|---|
 * | `impressions:<surface>` | value | items returned |
 * | `clicks:<surface>` | value | accepted click events (their `context.surface`; `none` without one) |
 * | `age:<subject>` | bucket of AGE_BUCKETS_S, value = sum | age of what served a list: `release`, `user_record`, `trending` |
 * | `feature:<version>:<feature>` | bin of the release's training edges | served ranker rows per bin (drift) |
 *
 * `<version>` is the model version whose training distribution gave the bins
 * (shared/features/feature-distribution.ts); `<feature>` a FEATURE_NAMES entry.
 */

/** Age buckets of the freshness histograms, in seconds: 1 min … 30 days, then everything older. */
export const AGE_BUCKETS_S: readonly number[] = [
  60,
  300,
  900,
  3600,
  4 * 3600,
  12 * 3600,
  86_400,
  2 * 86_400,
  7 * 86_400,
  30 * 86_400,
  Infinity,
];

/** Hourly keys (see the table above). */
export const QUALITY_KEYS = {
  impressions: (surface: string) => `impressions:${surface}`,
  clicks: (surface: string) => `clicks:${surface}`,
  age: (subject: string) => `age:${subject}`,
  feature: (version: string, feature: string) => `feature:${version}:${feature}`,
} as const;

/** The parts of a `feature:<version>:<feature>` key, or null for another key. */
export function parseFeatureKey(key: string): { version: string; feature: string } | null {
  const match = /^feature:([^:]+):([^:]+)$/.exec(key);
  return match ? { version: match[1]!, feature: match[2]! } : null;
}

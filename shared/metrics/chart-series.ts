/**
 * The per-minute series a console charts (`GET /v1/admin/metrics?format=json`, `timeseries`): a
 * few keys per minute instead of every series of the totals, so an hour of them stays small.
 *
 * | key | cell | what |
 * |---|---|---|
 * | `requests` | value | API requests answered |
 * | `errors_5xx` | value | of them, answered 5xx |
 * | `fallbacks` | value | fallback rungs taken |
 * | `lists_with_fallback` | value | lists that took at least one rung |
 * | `lists:<surface>` | value | lists served |
 * | `items:<surface>` | value | items returned (impressions) |
 * | `empty:<surface>` | value | empty lists |
 * | `events:<outcome>` | value | posted events by outcome |
 * | `clicks:<surface>` | value | accepted clicks (CTR = clicks / items) |
 * | `latency:recommendations` | bucket index, value = sum | request duration of `GET /v1/recommendations` (DURATION_BUCKETS_MS) |
 */

/** Chart keys (see the table above). */
export const CHART_KEYS = {
  requests: "requests",
  errors5xx: "errors_5xx",
  fallbacks: "fallbacks",
  listsWithFallback: "lists_with_fallback",
  lists: (surface: string) => `lists:${surface}`,
  items: (surface: string) => `items:${surface}`,
  empty: (surface: string) => `empty:${surface}`,
  events: (outcome: string) => `events:${outcome}`,
  clicks: (surface: string) => `clicks:${surface}`,
  recommendationLatency: "latency:recommendations",
} as const;

/**
 * Reads the totals of `GET /v1/admin/metrics?format=json` (`metrics`: Prometheus-style families,
 * each `{name, type, series: [{labels, value}]}` or histograms `{labels, buckets: [{le, count}]}`
 * with non-cumulative counts) into what the overview tabulates since the Worker's counters began:
 * latency p50 / p99 per funnel stage, fallbacks per stage and reason, requests and CTR. Families
 * are recognised by name suffix and labels, so new labels or families do not break it. Pure.
 */

/** One stage's latency. */
export interface StageLatency {
  stage: string;
  count: number;
  /** Upper bound of the bucket holding the quantile, ms (Infinity: past the largest bound). */
  p50: number | null;
  p99: number | null;
}

/** What the overview shows of the totals. */
export interface MetricsTotals {
  requests: number | null;
  stages: StageLatency[];
  fallbacks: { stage: string; reason: string; count: number }[];
  /** Clicks over returned items, when both are counted. */
  ctr: { clicks: number; impressions: number; rate: number } | null;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

interface Family {
  name: string;
  series: { labels: Record<string, string>; value?: number; buckets?: { le: number; count: number }[] }[];
}

function familiesOf(body: unknown): Family[] {
  if (!isObject(body) || !Array.isArray(body.metrics)) return [];
  return body.metrics.filter(isObject).map((metric) => ({
    name: String(metric.name ?? ""),
    series: (Array.isArray(metric.series) ? metric.series : []).filter(isObject).map((series) => ({
      labels: isObject(series.labels)
        ? (Object.fromEntries(Object.entries(series.labels).map(([k, v]) => [k, String(v)])) as Record<string, string>)
        : {},
      ...(isNumber(series.value) ? { value: series.value } : {}),
      ...(Array.isArray(series.buckets)
        ? {
            buckets: series.buckets
              .filter(isObject)
              .map((bucket) => ({ le: bucket.le === "+Inf" ? Infinity : Number(bucket.le), count: Number(bucket.count) || 0 })),
          }
        : {}),
    })),
  }));
}

/** The bucket bound at quantile `q` of non-cumulative `counts`. */
function quantile(buckets: { le: number; count: number }[], q: number): number | null {
  const total = buckets.reduce((sum, bucket) => sum + bucket.count, 0);
  if (total === 0) return null;
  let seen = 0;
  for (const bucket of buckets) {
    seen += bucket.count;
    if (seen >= q * total) return bucket.le;
  }
  return buckets.at(-1)?.le ?? null;
}

const sumValues = (families: Family[], pattern: RegExp, keep: (labels: Record<string, string>) => boolean = () => true) => {
  const matching = families.filter((family) => pattern.test(family.name));
  if (matching.length === 0) return null;
  return matching.flatMap((family) => family.series).reduce((sum, series) => sum + (keep(series.labels) ? (series.value ?? 0) : 0), 0);
};

/** The totals' tables, or null when the answer has no `metrics` families. */
export function readMetricsTotals(body: unknown): MetricsTotals | null {
  const families = familiesOf(body);
  if (families.length === 0) return null;
  const byStage = new Map<string, { le: number; count: number }[]>();
  for (const family of families.filter((candidate) => /stage/.test(candidate.name))) {
    for (const series of family.series) {
      const stage = series.labels.stage;
      if (!stage || !series.buckets) continue;
      const merged = byStage.get(stage) ?? series.buckets.map((bucket) => ({ le: bucket.le, count: 0 }));
      series.buckets.forEach((bucket, i) => {
        if (merged[i]) merged[i].count += bucket.count;
      });
      byStage.set(stage, merged);
    }
  }
  const fallbacks = new Map<string, { stage: string; reason: string; count: number }>();
  for (const family of families.filter((candidate) => /fallbacks?_total$/.test(candidate.name))) {
    for (const series of family.series) {
      const stage = series.labels.stage ?? "all";
      const reason = series.labels.reason ?? "–";
      const entry = fallbacks.get(`${stage}\u0000${reason}`) ?? { stage, reason, count: 0 };
      entry.count += series.value ?? 0;
      fallbacks.set(`${stage}\u0000${reason}`, entry);
    }
  }
  const clicks = sumValues(
    families,
    /events_total$/,
    (labels) => labels.type === "click" && !/dup|reject|fail|invalid/.test(labels.outcome ?? ""),
  );
  const impressions = sumValues(families, /items_returned_total$/);
  return {
    requests: sumValues(families, /requests_total$/),
    stages: [...byStage].map(([stage, buckets]) => ({
      stage,
      count: buckets.reduce((sum, bucket) => sum + bucket.count, 0),
      p50: quantile(buckets, 0.5),
      p99: quantile(buckets, 0.99),
    })),
    fallbacks: [...fallbacks.values()].filter((entry) => entry.count > 0).sort((a, b) => b.count - a.count),
    ctr: clicks !== null && impressions ? { clicks, impressions, rate: clicks / impressions } : null,
  };
}

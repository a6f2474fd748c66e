/**
 * Reads `GET /v1/admin/metrics?format=json` into the series the overview charts. The route is
 * built beside the console and its exact layout may still move, so this reads the time-bucketed
 * shapes a metrics endpoint commonly answers and says so when it finds none (the overview then
 * shows the raw answer instead of charts):
 *
 * - an array of buckets under `timeseries`, `buckets`, `series`, `points`, `minutes` or `data`
 *   (or the body itself), each with a time (`minute` since epoch, or `start`/`ts`/`t`/`time`/
 *   `timestamp` in seconds, ms or ISO) and values, possibly nested under `values`/`counts`/`metrics`;
 * - the same as columns (`{minutes: [...], series: {requests: [...]}}` — what the Worker's route
 *   answers under `timeseries` — or `{t: [...], requests: [...]}`), or one `[[t, v], …]` list per metric.
 *
 * Values: `requests`; latency per stage (`latency_p50_ms:<stage>` / `latency_p99_ms:<stage>` values,
 * or `latency…` keys holding `{p50, p99}`, `{stage: {p50, p99}}` or `{p50: {stage: v}, p99: {…}}`); fallbacks (`fallback_rate`, or counts over requests,
 * per stage when an object); CTR (`ctr`, or clicks over impressions: `events:click` over
 * `items:<surface>`); coverage (any `…coverage…` key, a share or `{share_of_catalogue}`); and
 * top-level `alerts`. Pure: no DOM, unit-tested in Node.
 */

/** A value per bucket; null where the bucket has none. */
export type Values = (number | null)[];

/** One alert the endpoint reports. */
export interface MetricsAlert {
  name: string;
  severity: string;
  message: string;
  active: boolean;
}

/** The overview's series, aligned on `times`. */
export interface MetricsSeries {
  /** Bucket starts, seconds since epoch, ascending. */
  times: number[];
  requests: Values;
  latencyP50: Record<string, Values>;
  latencyP99: Record<string, Values>;
  /** Fallbacks per request, per stage (`all` when not split). */
  fallbackRate: Record<string, Values>;
  ctr: Values;
  coverage: Values;
  alerts: MetricsAlert[];
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

const BUCKET_LISTS = ["timeseries", "buckets", "series", "points", "minutes", "data"] as const;
const TIME_KEYS = ["minute", "start", "bucket_start", "ts", "t", "time", "timestamp", "at", "from"] as const;
const NESTED_VALUES = ["values", "counts", "metrics", "series"] as const;

/** Seconds since epoch of a bucket's time value (seconds, ms or an ISO string). */
function toSeconds(value: unknown): number | null {
  if (isNumber(value)) return value > 1e11 ? value / 1000 : value;
  if (typeof value === "string") {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : ms / 1000;
  }
  return null;
}

function bucketTime(bucket: Json): number | null {
  if (isNumber(bucket.minute)) return bucket.minute * 60;
  for (const key of TIME_KEYS) {
    const seconds = toSeconds(bucket[key]);
    if (seconds !== null) return seconds;
  }
  return null;
}

/** Columns (`{t: [...], requests: [...]}`, nested objects too) as one object per index. */
function zipColumns(columns: Json, length: number): Json[] {
  const at = (value: unknown, i: number): unknown =>
    Array.isArray(value) && value.length === length
      ? value[i]
      : isObject(value)
        ? Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, at(inner, i)]))
        : value;
  return Array.from({ length }, (_, i) => at(columns, i) as Json);
}

/** `{requests: [[t, v], …], …}` as one object per distinct t. */
function pivotPairs(series: Json): Json[] | null {
  const byTime = new Map<number, Json>();
  for (const [key, points] of Object.entries(series)) {
    if (!Array.isArray(points)) return null;
    for (const point of points) {
      const [t, v] = Array.isArray(point) ? point : isObject(point) ? [point.t ?? point.ts ?? point.time, point.v ?? point.value] : [];
      const seconds = toSeconds(t);
      if (seconds === null) return null;
      const bucket = byTime.get(seconds) ?? { t: seconds };
      bucket[key] = v;
      byTime.set(seconds, bucket);
    }
  }
  return byTime.size > 0 ? [...byTime.values()] : null;
}

function bucketsOf(body: unknown): Json[] | null {
  const candidates: unknown[] = Array.isArray(body) ? [body] : isObject(body) ? BUCKET_LISTS.map((key) => body[key]) : [];
  for (const candidate of candidates) {
    if (Array.isArray(candidate) && candidate.length > 0 && candidate.every(isObject)) return candidate as Json[];
    if (isObject(candidate)) {
      const time = ["t", "ts", "time", "times", "timestamps", "minute", "minutes", "start"].find((key) => Array.isArray(candidate[key]));
      if (time) {
        const length = (candidate[time] as unknown[]).length;
        const zipped = zipColumns(candidate, length);
        const timeKey = time === "minute" || time === "minutes" ? "minute" : "t";
        return zipped.map((bucket) => ({ ...bucket, [time]: undefined, [timeKey]: bucket[time] }));
      }
      const pivoted = pivotPairs(candidate);
      if (pivoted) return pivoted;
    }
  }
  return null;
}

/** A bucket with nested value objects flattened into it. */
function flatten(bucket: Json): Json {
  const flat: Json = { ...bucket };
  for (const key of NESTED_VALUES) if (isObject(bucket[key])) Object.assign(flat, bucket[key]);
  return flat;
}

/** A number, or the first numeric field of an object among `fields`. */
function numberIn(value: unknown, fields: readonly string[]): number | null {
  if (isNumber(value)) return value;
  if (isObject(value)) for (const field of fields) if (isNumber(value[field])) return value[field];
  return null;
}

const P50 = ["p50", "p50_ms", "median", "0.5"];
const P99 = ["p99", "p99_ms", "0.99"];

/** Latency quantiles per stage found in one bucket. */
function latencyOf(bucket: Json): { p50: Record<string, number>; p99: Record<string, number> } {
  const p50: Record<string, number> = {};
  const p99: Record<string, number> = {};
  const take = (stage: string, value: Json) => {
    const low = numberIn(value, P50);
    const high = numberIn(value, P99);
    if (low !== null) p50[stage] = low;
    if (high !== null) p99[stage] = high;
  };
  for (const [key, value] of Object.entries(bucket)) {
    const flat = /^(?:latency_)?(p50|p99)(?:_ms)?:(.+)$/.exec(key);
    if (flat && isNumber(value)) (flat[1] === "p50" ? p50 : p99)[flat[2]!] = value;
    if (!/^latency|^stages$|^timings/.test(key) || !isObject(value)) continue;
    const suffix = key.includes(":") ? key.slice(key.indexOf(":") + 1) : "total";
    if (P50.some((q) => q in value) || P99.some((q) => q in value)) {
      const quantileMaps = [...P50, ...P99].every((q) => value[q] === undefined || isObject(value[q]));
      if (quantileMaps) {
        for (const q of P50) if (isObject(value[q])) for (const [stage, v] of Object.entries(value[q])) if (isNumber(v)) p50[stage] = v;
        for (const q of P99) if (isObject(value[q])) for (const [stage, v] of Object.entries(value[q])) if (isNumber(v)) p99[stage] = v;
      } else take(suffix, value);
    } else {
      for (const [stage, inner] of Object.entries(value)) if (isObject(inner)) take(stage, inner);
    }
  }
  for (const [key, target] of [
    ["p50_ms", p50],
    ["p99_ms", p99],
  ] as const) {
    const value = bucket[key];
    if (isObject(value)) for (const [stage, v] of Object.entries(value)) if (isNumber(v)) target[stage] = v;
  }
  return { p50, p99 };
}

/** Fallbacks per request, per stage, in one bucket. */
function fallbackRatesOf(bucket: Json, requests: number | null): Record<string, number> {
  const rate = bucket.fallback_rate ?? bucket.fallback_rates;
  if (isNumber(rate)) return { all: rate };
  if (isObject(rate)) return Object.fromEntries(Object.entries(rate).filter((entry): entry is [string, number] => isNumber(entry[1])));
  const counts = bucket.fallbacks;
  if (!requests) return {};
  if (isNumber(counts)) return { all: counts / requests };
  if (isObject(counts)) {
    const rates: Record<string, number> = {};
    for (const [stage, value] of Object.entries(counts)) {
      const count = numberIn(value, ["count", "total", "value"]);
      if (count !== null) rates[stage] = count / requests;
    }
    return rates;
  }
  return {};
}

function sumMatching(bucket: Json, pattern: RegExp): number | null {
  let sum: number | null = null;
  for (const [key, value] of Object.entries(bucket)) if (pattern.test(key) && isNumber(value)) sum = (sum ?? 0) + value;
  return sum;
}

function ctrOf(bucket: Json): number | null {
  const direct = numberIn(bucket.ctr ?? bucket.click_through_rate, ["value", "rate"]);
  if (direct !== null) return direct;
  const clicks = numberIn(bucket.clicks, ["count", "value"]) ?? sumMatching(bucket, /^events:click$/);
  const impressions = numberIn(bucket.impressions, ["count", "value"]) ?? sumMatching(bucket, /^items:/);
  return clicks !== null && impressions ? clicks / impressions : null;
}

function coverageOf(bucket: Json): number | null {
  for (const [key, value] of Object.entries(bucket)) {
    if (!/coverage/.test(key)) continue;
    const share = numberIn(value, ["share_of_catalogue", "share", "ratio", "value"]);
    if (share !== null) return share;
  }
  return null;
}

function alertsOf(body: unknown): MetricsAlert[] {
  const list = isObject(body) && Array.isArray(body.alerts) ? body.alerts : [];
  return list.map((alert): MetricsAlert => {
    if (!isObject(alert)) return { name: String(alert), severity: "warning", message: String(alert), active: true };
    const text = (keys: string[], fallback: string) => {
      for (const key of keys) if (typeof alert[key] === "string") return alert[key] as string;
      return fallback;
    };
    const state = alert.active ?? alert.firing ?? alert.state ?? alert.status;
    const active = typeof state === "boolean" ? state : typeof state === "string" ? /fir|activ|open|alert/i.test(state) : true;
    const name = text(["name", "id", "alert", "rule"], "alert");
    const measured = [
      typeof alert.subject === "string" ? alert.subject : null,
      alert.value !== undefined ? `value ${alert.value === null ? "none" : String(alert.value)}` : null,
      alert.threshold !== undefined ? `threshold ${String(alert.threshold)}` : null,
      typeof alert.window === "string" ? `over ${alert.window}` : null,
    ].filter((part) => part !== null);
    return {
      name,
      severity: text(["severity", "level"], "warning"),
      message: text(["message", "description", "text", "summary"], measured.length > 0 ? measured.join(" · ") : name),
      active,
    };
  });
}

/** Adds `value` at `index` of the series `key` in `into` (created full of nulls). */
function put(into: Record<string, Values>, key: string, index: number, length: number, value: number): void {
  const series = into[key] ?? Array.from({ length }, () => null);
  series[index] = value;
  into[key] = series;
}

/** The charted series of a metrics answer, or null when it holds no recognisable time buckets. */
export function readMetricsSeries(body: unknown): MetricsSeries | null {
  const raw = bucketsOf(body);
  if (!raw) return null;
  const buckets = raw
    .map(flatten)
    .map((bucket) => ({ bucket, time: bucketTime(bucket) }))
    .filter((entry): entry is { bucket: Json; time: number } => entry.time !== null)
    .sort((a, b) => a.time - b.time);
  if (buckets.length === 0) return null;
  const length = buckets.length;
  const series: MetricsSeries = {
    times: buckets.map((entry) => entry.time),
    requests: [],
    latencyP50: {},
    latencyP99: {},
    fallbackRate: {},
    ctr: [],
    coverage: [],
    alerts: alertsOf(body),
  };
  buckets.forEach(({ bucket }, i) => {
    const requests = numberIn(bucket.requests ?? bucket.request_count ?? bucket.count, ["total", "count", "value"]);
    series.requests.push(requests);
    const latency = latencyOf(bucket);
    for (const [stage, value] of Object.entries(latency.p50)) put(series.latencyP50, stage, i, length, value);
    for (const [stage, value] of Object.entries(latency.p99)) put(series.latencyP99, stage, i, length, value);
    for (const [stage, value] of Object.entries(fallbackRatesOf(bucket, requests))) put(series.fallbackRate, stage, i, length, value);
    series.ctr.push(ctrOf(bucket));
    series.coverage.push(coverageOf(bucket));
  });
  return series;
}

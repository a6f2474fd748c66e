/**
 * The Worker's operational metrics (docs/operations.md): after recommendations (one of them for a
 * user nobody knows, so the unknown-user rung fires beside the ranker rungs of the absent sidecar) and
 * events (accepted, a replay and a refused one), `GET /v1/admin/metrics` exposes non-zero request,
 * fallback, event and latency series in valid Prometheus text, the JSON form charts them per minute,
 * the Analytics Engine binding receives one data point per request in the documented layout, and
 * only the admin may read them.
 *
 * The local Analytics Engine binding accepts writes and drops them, so the requests go through the
 * fetch handler with an env whose METRICS_AE is a recording fake.
 */
import { env } from "cloudflare:workers";
import { sign } from "hono/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { kvKeys, type UserRecord } from "../../shared/artifacts/kv-keys";
import { FEATURE_NAMES, FEATURE_SPEC } from "../../shared/features/feature-spec";
import { forgetKvValues } from "../../workers/store/kv-store";
import { TEST_USER_TOKEN_SECRET } from "../support/user-token-keys";
import { fanOf, itemId, seedFixture } from "./fixture";
import { ADMIN_TOKEN, callAnonymous, callWithEnv, json } from "./helpers";

/** Every metric the exposition declares, pinned by hand: renaming one breaks dashboards and alerts. */
const METRIC_NAMES = [
  "edge_recs_requests_total",
  "edge_recs_request_duration_ms",
  "edge_recs_stage_duration_ms",
  "edge_recs_fallbacks_total",
  "edge_recs_lists_served_total",
  "edge_recs_items_returned_total",
  "edge_recs_empty_lists_total",
  "edge_recs_arm_lists_total",
  "edge_recs_events_total",
  "edge_recs_clicks_total",
  "edge_recs_feature_age_seconds",
  "edge_recs_feature_psi",
  "edge_recs_catalog_coverage_items",
  "edge_recs_ctr",
  "edge_recs_alert_firing",
];

/** The documented alert thresholds (docs/operations.md "Alerts"). */
const THRESHOLDS = { latency_p99_over_budget: 150, fallback_rate: 0.05, ctr_drop: 0.3, feature_drift: 0.2 };

/** The serving model's manifest: trained 2026-01-01, every feature split at 0.5 half and half in training. */
const MANIFEST_CREATED_AT = "2026-01-01T00:00:00.000Z";
const MODEL_VERSION = "als-20260101T000000Z-0badcafe";

/**
 * PSI of a feature served always on one side of its only edge against the training's 50/50:
 * (1e-4 − 0.5)·ln(1e-4/0.5) + (1 − 0.5)·ln(1/0.5) (the empty bin floored at 1e-4), by hand.
 */
const ONE_SIDED_PSI = (1e-4 - 0.5) * Math.log(1e-4 / 0.5) + 0.5 * Math.log(2);

/** The documented Analytics Engine layout (docs/operations.md), 1-based as the SQL API numbers fields. */
const BLOB = {
  route: 1,
  method: 2,
  status: 3,
  status_class: 4,
  surface: 5,
  ranker: 6,
  release: 7,
  arms: 9,
  fallbacks: 10,
  event_types: 11,
};
const DOUBLE = {
  duration_ms: 1,
  lists: 2,
  items: 3,
  empty_lists: 4,
  fallbacks: 5,
  stage_total_ms: 13,
  accepted: 14,
  duplicate: 15,
  rejected: 16,
  failed: 17,
};

/** A recording stand-in for the Analytics Engine binding. */
class RecordingDataset {
  readonly points: { indexes: string[]; blobs: string[]; doubles: number[] }[] = [];
  writeDataPoint(point: { indexes?: string[]; blobs?: (string | null)[]; doubles?: number[] } = {}): void {
    this.points.push({ indexes: point.indexes ?? [], blobs: (point.blobs ?? []).map((blob) => blob ?? ""), doubles: point.doubles ?? [] });
  }
}

/** One sample line of the text exposition. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LABEL = String.raw`[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"`;
const SAMPLE_LINE = new RegExp(String.raw`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:${LABEL}(?:,${LABEL})*)?\})? (\S+)$`);

/**
 * A small parser of the Prometheus text format 0.0.4: `# HELP` / `# TYPE` lines and samples; throws
 * on any line of another grammar, a sample before its family's TYPE, or an unparsable value.
 */
function parsePrometheus(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  expect(text.endsWith("\n")).toBe(true);
  for (const line of text.slice(0, -1).split("\n")) {
    if (line.startsWith("# HELP ")) {
      expect(line).toMatch(/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+$/);
      continue;
    }
    if (line.startsWith("# TYPE ")) {
      const match = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
      if (!match) throw new Error(`bad TYPE line: ${line}`);
      types.set(match[1]!, match[2]!);
      continue;
    }
    const match = SAMPLE_LINE.exec(line);
    if (!match) throw new Error(`bad sample line: ${line}`);
    const [, name, labelText, valueText] = match;
    const family = types.has(name!) ? name! : name!.replace(/_(bucket|sum|count)$/, "");
    if (!types.has(family)) throw new Error(`sample before its TYPE: ${line}`);
    const value = valueText === "+Inf" ? Infinity : valueText === "-Inf" ? -Infinity : Number(valueText);
    if (Number.isNaN(value) && valueText !== "NaN") throw new Error(`bad value: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (labelText ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
    samples.push({ name: name!, labels, value });
  }
  return { types, samples };
}

/** The sum of the samples of `name` whose labels include `labels`. */
function total(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}

const dataset = new RecordingDataset();
const environment = { ...env, METRICS_AE: dataset as unknown as AnalyticsEngineDataset } as Env;
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

function get(path: string): Promise<Response> {
  return callWithEnv(environment, path, { headers: admin });
}

function postEvents(body: unknown): Promise<Response> {
  return callWithEnv(environment, "/v1/events", {
    method: "POST",
    headers: { ...admin, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** Item ids of every list served in the setup. */
const servedItems: string[] = [];

beforeAll(async () => {
  await seedFixture();
  await env.KV.put(
    kvKeys.manifest,
    JSON.stringify({
      modelVersion: MODEL_VERSION,
      createdAt: MANIFEST_CREATED_AT,
      dataset: "fixture",
      retrievalModel: "als",
      dimensions: 4,
      metric: "dot-product",
      featureSpecHash: FEATURE_SPEC.hash,
      ranker: { onnx: "ranker.onnx", json: "ranker.json", kind: "logistic" },
      files: { vectors: "v", kvBulk: "k", items: "i" },
      counts: { items: 40, users: 4, interactions: 100 },
      featureDistribution: {
        featureSpecHash: FEATURE_SPEC.hash,
        rows: 100,
        features: FEATURE_NAMES.map((feature) => ({ feature, edges: [0.5], counts: [50, 50] })),
      },
    }),
  );
  const timed: UserRecord = { vector: [0, 0, 1, 0], history: [itemId(2, 0)], activity: 3, modelVersion: MODEL_VERSION };
  await env.KV.put(kvKeys.user("metrics-timed"), JSON.stringify(timed));
  forgetKvValues(env.KV, kvKeys.manifest);
  const serve = async (userId: string) => {
    const body = await json(await get(`/v1/recommendations?user_id=${userId}&n=5`));
    expect(body.items).toHaveLength(5);
    servedItems.push(...body.items.map((item: any) => item.item_id));
    return body;
  };
  // The first list reads the manifest into the isolate in the background; the next ones are measured against it.
  await serve(fanOf(2));
  const known = await serve(fanOf(1));
  // The sidecar is not running in these tests: every list takes a ranker rung.
  expect(known.fallbacks.map((f: any) => f.stage)).toContain("ranker");
  const stranger = await serve("metrics-stranger");
  expect(stranger.fallbacks).toContainEqual(expect.objectContaining({ stage: "user_vector", reason: "unknown_user" }));
  await serve("metrics-timed");

  const click = { event_id: "metrics-click-1", user_id: fanOf(1), item_id: itemId(1, 3), type: "click", context: { surface: "home" } };
  const first = await postEvents({
    events: [click, { event_id: "metrics-bad-1", user_id: fanOf(1), item_id: itemId(1, 4), type: "teleport" }],
  });
  expect(await json(first)).toMatchObject({ accepted: 1, duplicates: 0, rejected: [expect.objectContaining({ index: 1 })] });
  expect(await json(await postEvents(click))).toMatchObject({ accepted: 0, duplicates: 1 });
}, 60_000);

describe("GET /v1/admin/metrics", () => {
  it("exposes the pinned metrics in valid Prometheus text, with non-zero request, fallback, event and latency series", async () => {
    const response = await get("/v1/admin/metrics");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    const text = await response.text();
    const { types, samples } = parsePrometheus(text);
    expect([...types.keys()].sort()).toEqual([...METRIC_NAMES].sort());
    expect(types.get("edge_recs_stage_duration_ms")).toBe("histogram");
    expect(types.get("edge_recs_requests_total")).toBe("counter");

    expect(
      total(samples, "edge_recs_requests_total", { route: "recommendations", surface: "home", status_class: "2xx" }),
    ).toBeGreaterThanOrEqual(2);
    expect(total(samples, "edge_recs_requests_total", { route: "events", status_class: "2xx" })).toBeGreaterThanOrEqual(2);
    expect(total(samples, "edge_recs_fallbacks_total", { stage: "ranker" })).toBeGreaterThanOrEqual(2);
    expect(total(samples, "edge_recs_fallbacks_total", { stage: "user_vector", reason: "unknown_user" })).toBeGreaterThanOrEqual(1);
    expect(total(samples, "edge_recs_events_total", { type: "click", outcome: "accepted" })).toBeGreaterThanOrEqual(1);
    expect(total(samples, "edge_recs_events_total", { type: "click", outcome: "duplicate" })).toBeGreaterThanOrEqual(1);
    expect(total(samples, "edge_recs_events_total", { type: "other", outcome: "rejected" })).toBeGreaterThanOrEqual(1);
    expect(total(samples, "edge_recs_items_returned_total", { surface: "home" })).toBeGreaterThanOrEqual(10);
    expect(total(samples, "edge_recs_arm_lists_total", { experiment: "route-exp", arm: "only" })).toBeGreaterThanOrEqual(2);
    expect(total(samples, "edge_recs_stage_duration_ms_count", { stage: "total" })).toBeGreaterThanOrEqual(2);
    expect(total(samples, "edge_recs_stage_duration_ms_count", { stage: "rank" })).toBeGreaterThanOrEqual(2);
    expect(total(samples, "edge_recs_request_duration_ms_count", { route: "recommendations" })).toBeGreaterThanOrEqual(2);

    // Histograms: cumulative buckets ending at +Inf, which equals _count.
    const totalStage = samples.filter((s) => s.name === "edge_recs_stage_duration_ms_bucket" && s.labels.stage === "total");
    expect(totalStage.at(-1)!.labels.le).toBe("+Inf");
    for (let i = 1; i < totalStage.length; i++) expect(totalStage[i]!.value).toBeGreaterThanOrEqual(totalStage[i - 1]!.value);
    expect(totalStage.at(-1)!.value).toBe(total(samples, "edge_recs_stage_duration_ms_count", { stage: "total" }));

    // Quality: drift against the manifest's training bins, clicks, freshness, coverage and alert states.
    const psi = samples.find((s) => s.name === "edge_recs_feature_psi" && s.labels.feature === "surface_home");
    expect(psi?.value).toBeCloseTo(ONE_SIDED_PSI, 6);
    expect(total(samples, "edge_recs_clicks_total", { surface: "home" })).toBe(1);
    expect(total(samples, "edge_recs_feature_age_seconds_count", { subject: "release" })).toBeGreaterThanOrEqual(3);
    expect(total(samples, "edge_recs_feature_age_seconds_count", { subject: "user_record" })).toBe(1);
    expect(total(samples, "edge_recs_catalog_coverage_items", { window: "24h" })).toBe(new Set(servedItems).size);
    const rules = samples.filter((s) => s.name === "edge_recs_alert_firing").map((s) => s.labels.rule);
    expect(new Set(rules)).toEqual(new Set(Object.keys(THRESHOLDS)));

    // Bounded labels: no user id or item id ever becomes a label value.
    for (const sample of samples) {
      for (const value of Object.values(sample.labels)) {
        expect(value).not.toMatch(/^(fan-|metrics-|i-)/);
      }
    }
  });

  it("answers ?format=json with the same series and the last hour per minute", async () => {
    const body = await json(await get("/v1/admin/metrics?format=json"));
    expect(body.metrics.map((m: any) => m.name).sort()).toEqual([...METRIC_NAMES].sort());
    expect(body.window_minutes).toBe(60);
    expect(body.timeseries.minutes).toHaveLength(60);
    const sum = (key: string) => (body.timeseries.series[key] ?? []).reduce((a: number, b: number | null) => a + (b ?? 0), 0);
    expect(sum("requests")).toBeGreaterThanOrEqual(6);
    expect(sum("fallbacks")).toBeGreaterThanOrEqual(3);
    expect(sum("items:home")).toBe(servedItems.length);
    expect(sum("clicks:home")).toBe(1);
    expect(sum("events:accepted")).toBeGreaterThanOrEqual(1);
    expect(body.timeseries.series["latency_p99_ms:recommendations"].some((v: number | null) => v !== null)).toBe(true);
    const fallbacks = body.metrics.find((m: any) => m.name === "edge_recs_fallbacks_total");
    expect(fallbacks.series).toContainEqual({ labels: { stage: "user_vector", reason: "unknown_user" }, value: expect.any(Number) });
    expect((await get("/v1/admin/metrics?format=xml")).status).toBe(400);
  });

  it("reports freshness, drift, coverage and CTR by surface, and every alert rule's state with its documented threshold", async () => {
    const { quality, alerts } = await json(await get("/v1/admin/metrics?format=json"));
    // Freshness: the release was trained at MANIFEST_CREATED_AT; the timed user's record by the same run.
    const trainedAgo = (Date.now() - Date.parse(MANIFEST_CREATED_AT)) / 1000;
    expect(quality.freshness.release.lists).toBeGreaterThanOrEqual(3);
    expect(quality.freshness.release.mean_s).toBeGreaterThan(trainedAgo - 600);
    expect(quality.freshness.release.mean_s).toBeLessThanOrEqual(trainedAgo);
    expect(quality.freshness.user_record.lists).toBe(1);
    // Drift: every feature of the spec against the manifest's bins; the surface one-hots are one-sided.
    expect(quality.drift.version).toBe(MODEL_VERSION);
    expect(quality.drift.training_rows).toBe(100);
    expect(quality.drift.served_rows).toBeGreaterThan(0);
    expect(quality.drift.features.map((f: any) => f.feature)).toEqual([...FEATURE_NAMES]);
    const psiOf = (feature: string) => quality.drift.features.find((f: any) => f.feature === feature).psi;
    expect(psiOf("surface_home")).toBeCloseTo(ONE_SIDED_PSI, 6);
    expect(psiOf("surface_email")).toBeCloseTo(ONE_SIDED_PSI, 6);
    // Coverage: distinct items of every list served (exact at this size), of a 40-item catalogue.
    const distinct = new Set(servedItems).size;
    expect(quality.coverage).toEqual({
      distinct_items_recent: distinct,
      distinct_items_day: distinct,
      catalogue_items: 40,
      share_day: distinct / 40,
    });
    // CTR: one accepted home click over every item served on home.
    expect(quality.ctr.recent.home).toBeCloseTo(1 / servedItems.length, 9);
    expect(quality.ctr.hours).toHaveLength(24);

    expect(alerts.map((a: any) => a.rule).sort()).toEqual(Object.keys(THRESHOLDS).sort());
    for (const alert of alerts) {
      expect(alert.threshold).toBe(THRESHOLDS[alert.rule as keyof typeof THRESHOLDS]);
      expect(["ok", "firing", "no_data"]).toContain(alert.state);
    }
    // Too little traffic for a verdict: fewer than 20 requests, 500 impressions or 500 served rows.
    expect(alerts.find((a: any) => a.rule === "latency_p99_over_budget").state).toBe("no_data");
    expect(alerts.find((a: any) => a.rule === "ctr_drop" && a.subject === "home").state).toBe("no_data");
  });

  it("writes one Analytics Engine data point per request in the documented layout", () => {
    const recommendations = dataset.points.filter((p) => p.blobs[BLOB.route - 1] === "recommendations");
    expect(recommendations.length).toBeGreaterThanOrEqual(2);
    for (const point of recommendations) {
      expect(point.indexes).toEqual(["recommendations"]);
      expect(point.blobs).toHaveLength(12);
      expect(point.doubles).toHaveLength(20);
      expect(point.blobs[BLOB.method - 1]).toBe("GET");
      expect(point.blobs[BLOB.status - 1]).toBe("200");
      expect(point.blobs[BLOB.status_class - 1]).toBe("2xx");
      expect(point.blobs[BLOB.surface - 1]).toBe("home");
      expect(point.blobs[BLOB.ranker - 1]).toMatch(/^(light|retrieval_order)$/);
      expect(point.blobs[BLOB.arms - 1]).toBe("route-exp=only");
      expect(point.blobs[BLOB.fallbacks - 1]).toMatch(/(^|,)ranker\/[a-z_]+\/[a-z_]+/);
      expect(point.doubles[DOUBLE.lists - 1]).toBe(1);
      expect(point.doubles[DOUBLE.items - 1]).toBe(5);
      expect(point.doubles[DOUBLE.empty_lists - 1]).toBe(0);
      expect(point.doubles[DOUBLE.fallbacks - 1]).toBeGreaterThanOrEqual(1);
      expect(point.doubles[DOUBLE.stage_total_ms - 1]).toBeGreaterThanOrEqual(0);
      expect(point.doubles[DOUBLE.duration_ms - 1]).toBeGreaterThanOrEqual(0);
    }
    expect(recommendations.some((p) => p.blobs[BLOB.fallbacks - 1]!.includes("user_vector/unknown_user/popular"))).toBe(true);

    const events = dataset.points.filter((p) => p.blobs[BLOB.route - 1] === "events");
    expect(events).toHaveLength(2);
    const [mixed, replay] = events;
    expect(mixed!.blobs[BLOB.event_types - 1]).toBe("click");
    expect(mixed!.doubles.slice(DOUBLE.accepted - 1, DOUBLE.failed)).toEqual([1, 0, 1, 0]);
    expect(replay!.doubles.slice(DOUBLE.accepted - 1, DOUBLE.failed)).toEqual([0, 1, 0, 0]);
    expect(events.every((p) => p.blobs[BLOB.release - 1] === "" && p.doubles[DOUBLE.lists - 1] === 0)).toBe(true);
  });

  it("is for the admin only: 401 without a credential, 403 for a user token", async () => {
    expect((await callAnonymous("/v1/admin/metrics")).status).toBe(401);
    const now = Math.floor(Date.now() / 1000);
    const token = await sign(
      { sub: "metrics-user", iat: now, exp: now + 600, scope: "admin recommendations:read events:write" },
      TEST_USER_TOKEN_SECRET,
      "HS256",
    );
    expect((await callAnonymous("/v1/admin/metrics?format=json", { headers: { authorization: `Bearer ${token}` } })).status).toBe(403);
  });
});

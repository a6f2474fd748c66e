/**
 * The Workers Analytics Engine data point of one API request: which field sits in which blob,
 * double and index. The one place the layout is defined — the writer
 * (workers/metrics/analytics-engine-metrics.ts), the Grafana queries
 * (docs/grafana/edge-recs-queries.sql) and docs/operations.md follow it, and
 * test/workers/metrics.test.ts checks it. In SQL, `blobN` / `doubleN` / `index1` are 1-based
 * positions in these lists; every query weights rows by `_sample_interval` (Analytics Engine samples).
 *
 * One data point per request (a `POST /v1/events` batch is one request): a digest batch serving
 * many lists reports the first list's labels and stage timings, and sums over every list.
 */
import { boundedLabel, routeLabel, statusClass } from "./metric-labels";
import type { RequestObservation } from "./metrics";

/** Blob positions (`blob1` … ), strings. */
export const AE_BLOBS = [
  /** blob1: route family (metric-labels.ts `routeLabel`). */
  "route",
  /** blob2: HTTP method. */
  "method",
  /** blob3: HTTP status, e.g. `200`. */
  "status",
  /** blob4: status class, e.g. `2xx`. */
  "status_class",
  /** blob5: surface of the (first) served list, or empty. */
  "surface",
  /** blob6: ranker that served it, or empty. */
  "ranker",
  /** blob7: release id, or empty (no release published). */
  "release",
  /** blob8: model version, or empty. */
  "model_version",
  /** blob9: A/B arms as `experiment=arm` joined by `,`. */
  "arms",
  /** blob10: fallback rungs as `stage/reason/used` joined by `,`. */
  "fallbacks",
  /** blob11: distinct posted event types joined by `,`. */
  "event_types",
  /** blob12: Cloudflare data centre (`request.cf.colo`), or empty. */
  "colo",
] as const;

/** Double positions (`double1` … ), numbers. */
export const AE_DOUBLES = [
  /** double1: request wall-clock time in the Worker, ms. */
  "duration_ms",
  /** double2: lists served. */
  "lists",
  /** double3: items returned (impressions). */
  "items",
  /** double4: empty lists. */
  "empty_lists",
  /** double5: fallback rungs taken. */
  "fallbacks",
  /** double6–13: funnel stage times of the (first) list, ms (0 when the stage did not run). */
  "stage_session_ms",
  "stage_user_record_ms",
  "stage_candidates_ms",
  "stage_exploration_ms",
  "stage_item_vectors_ms",
  "stage_rank_ms",
  "stage_rerank_ms",
  "stage_total_ms",
  /** double14–17: posted events by outcome. */
  "events_accepted",
  "events_duplicate",
  "events_rejected",
  "events_failed",
  /** double18: calls through the request's bindings. */
  "subrequests",
  /** double19: age of the serving release when served, seconds (0 = unknown). */
  "release_age_s",
  /** double20: age of the user's trained record when served, seconds (0 = unknown or new user). */
  "user_record_age_s",
] as const;

/** Index positions (`index1`): the sampling key. */
export const AE_INDEXES = [
  /** index1: route family — Analytics Engine samples each route on its own. */
  "route",
] as const;

/** Analytics Engine limits the writer respects (bytes per blob kept well under the 16 KB total). */
const MAX_BLOB_CHARS = 256;

/** Field values of one data point, by name. */
export type AnalyticsEngineFields = {
  blobs: Record<(typeof AE_BLOBS)[number], string>;
  doubles: Record<(typeof AE_DOUBLES)[number], number>;
  indexes: Record<(typeof AE_INDEXES)[number], string>;
};

/** What `writeDataPoint` takes (the runtime's `AnalyticsEngineDataPoint`, restated here without platform types). */
export interface AnalyticsEngineDataPointFields {
  indexes: string[];
  blobs: string[];
  doubles: number[];
}

/** Stage names of double6–13, in order. */
const STAGE_DOUBLES = ["session", "user_record", "candidates", "exploration", "item_vectors", "rank", "rerank", "total"] as const;

/** The named fields of `observation`'s data point. */
export function analyticsEngineFields(observation: RequestObservation): AnalyticsEngineFields {
  const route = routeLabel(observation.path);
  const first = observation.lists[0];
  const outcomes = { accepted: 0, duplicate: 0, rejected: 0, failed: 0 };
  for (const { outcome, count } of observation.events) outcomes[outcome] += count;
  const stage = (name: (typeof STAGE_DOUBLES)[number]) => first?.timingsMs[name] ?? 0;
  return {
    blobs: {
      route,
      method: observation.method,
      status: String(observation.status),
      status_class: statusClass(observation.status),
      surface: first ? boundedLabel("surface", first.surface) : "",
      ranker: first?.ranker ?? "",
      release: first?.release ?? "",
      model_version: first?.modelVersion ?? "",
      arms: first
        ? Object.entries(first.arms)
            .map(([experiment, arm]) => `${experiment}=${arm}`)
            .join(",")
        : "",
      fallbacks: observation.lists.flatMap((list) => list.fallbacks.map((f) => `${f.stage}/${f.reason}/${f.used}`)).join(","),
      event_types: [...new Set(observation.events.filter((e) => e.outcome !== "rejected").map((e) => e.type))].join(","),
      colo: observation.colo ?? "",
    },
    doubles: {
      duration_ms: observation.durationMs,
      lists: observation.lists.length,
      items: observation.lists.reduce((sum, list) => sum + list.itemIds.length, 0),
      empty_lists: observation.lists.filter((list) => list.itemIds.length === 0).length,
      fallbacks: observation.lists.reduce((sum, list) => sum + list.fallbacks.length, 0),
      stage_session_ms: stage("session"),
      stage_user_record_ms: stage("user_record"),
      stage_candidates_ms: stage("candidates"),
      stage_exploration_ms: stage("exploration"),
      stage_item_vectors_ms: stage("item_vectors"),
      stage_rank_ms: stage("rank"),
      stage_rerank_ms: stage("rerank"),
      stage_total_ms: stage("total"),
      events_accepted: outcomes.accepted,
      events_duplicate: outcomes.duplicate,
      events_rejected: outcomes.rejected,
      events_failed: outcomes.failed,
      subrequests: observation.subrequests ?? 0,
      release_age_s: first?.ageSeconds?.release ?? 0,
      user_record_age_s: first?.ageSeconds?.user_record ?? 0,
    },
    indexes: { route },
  };
}

/** The data point of `observation`, positioned as {@link AE_BLOBS}, {@link AE_DOUBLES} and {@link AE_INDEXES} say. */
export function analyticsEngineDataPoint(observation: RequestObservation): AnalyticsEngineDataPointFields {
  const fields = analyticsEngineFields(observation);
  return {
    indexes: AE_INDEXES.map((name) => fields.indexes[name]),
    blobs: AE_BLOBS.map((name) => fields.blobs[name].slice(0, MAX_BLOB_CHARS)),
    doubles: AE_DOUBLES.map((name) => fields.doubles[name]),
  };
}

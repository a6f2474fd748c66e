/**
 * `GET /v1/admin/metrics` — the Worker's operational metrics (docs/operations.md), summed over the
 * MetricsAggregate shards: Prometheus text exposition by default (point a Prometheus scrape job at
 * it with the admin key as bearer token), `?format=json` for the console (every series, the last
 * hour per minute, the quality report — freshness, drift, coverage, CTR by surface — and
 * `alerts: [{rule, subject, state, value, threshold, window}]`). Admin only (mounted under routes/admin.ts).
 *
 * @example
 * curl -H "authorization: Bearer $ADMIN_TOKEN" http://127.0.0.1:8787/v1/admin/metrics
 * → # HELP edge_recs_requests_total API requests answered, …
 *   # TYPE edge_recs_requests_total counter
 *   edge_recs_requests_total{route="recommendations",surface="home",status_class="2xx",ranker="light",release="none"} 42
 */
import { Hono } from "hono";
import { z } from "zod";
import { metricsJson } from "../../shared/metrics/metrics-json";
import { PROMETHEUS_CONTENT_TYPE, prometheusText } from "../../shared/metrics/prometheus-text";
import { qualityGauges } from "../../shared/metrics/quality-gauges";
import type { AppEnv } from "../app-env";
import { validate } from "../middleware/validate";
import { operation } from "../openapi/operation";
import { metricsReport } from "../metrics/metrics-report";

const metricsQuery = z.object({ format: z.enum(["prometheus", "json"]).default("prometheus") });

const metricsJsonResponse = z.object({
  generated_at: z.string(),
  window_minutes: z.number(),
  metrics: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      help: z.string(),
      series: z.array(
        z.union([
          z.object({ labels: z.record(z.string(), z.string()), value: z.number() }),
          z.object({
            labels: z.record(z.string(), z.string()),
            buckets: z.array(z.object({ le: z.union([z.number(), z.literal("+Inf")]), count: z.number() })),
            sum: z.number(),
            count: z.number(),
          }),
        ]),
      ),
    }),
  ),
  timeseries: z.looseObject({ minutes: z.array(z.string()), series: z.record(z.string(), z.array(z.number().nullable())) }),
  quality: z.looseObject({}).describe("Freshness, drift (PSI per feature), catalogue coverage and CTR by surface (docs/operations.md)."),
  alerts: z.array(
    z.object({
      rule: z.string(),
      subject: z.string(),
      state: z.enum(["ok", "firing", "no_data"]),
      value: z.number().nullable(),
      threshold: z.number(),
      window: z.string(),
    }),
  ),
});

/** The metrics route. */
export const metricsAdminRoute = new Hono<AppEnv>().get(
  "/",
  operation({
    summary: "The Worker's operational metrics",
    description:
      "Prometheus text exposition by default; `?format=json` for every series, the last hour per minute, the quality report and the alert rules' states.",
    tag: "admin: metrics",
    access: "admin",
    response: {
      description: "Prometheus text, or JSON with `?format=json`.",
      content: { [PROMETHEUS_CONTENT_TYPE]: "text", "application/json": metricsJsonResponse },
    },
  }),
  validate("query", metricsQuery),
  async (c) => {
    const { format } = c.req.valid("query");
    const { snapshot, quality, alerts, now } = await metricsReport(c.env);
    if (format === "json") return c.json(metricsJson(snapshot, now, quality, alerts));
    return c.body(prometheusText(snapshot.totals, qualityGauges(quality, alerts)), 200, { "content-type": PROMETHEUS_CONTENT_TYPE });
  },
);

/**
 * Overview: the serving release (`/healthz`, `/v1/admin/releases`) and the Worker's own metrics
 * over time (`GET /v1/admin/metrics?format=json`, read by metrics-series.ts and metrics-totals.ts):
 * traffic, latency p50 and p99 by stage, fallback rates, CTR and coverage as charts, alerts, and
 * the totals per stage and fallback. Where the Worker does
 * not serve metrics (404) the page says "metrics not available".
 */
import { ApiError, type AdminApi, describeError } from "../admin-api";
import type { Health, Releases } from "../api-types";
import { timeSeriesChart } from "../charts/time-series-chart";
import { pageHash } from "../console-location";
import { h, notice, replace, table } from "../dom";
import { formatMs, formatNumber, formatPercent, formatTime } from "../format";
import type { PageContext } from "../page-context";
import { type MetricsSeries, readMetricsSeries } from "./metrics-series";
import { type MetricsTotals, readMetricsTotals } from "./metrics-totals";
import { type QualitySummary, readQualitySummary } from "./quality-summary";

/** The metrics route the overview reads. */
export const METRICS_PATH = "/v1/admin/metrics?format=json";

/** Renders the overview. */
export async function renderOverviewPage({ api, root }: PageContext): Promise<void> {
  const release = h("section", { class: "panel", id: "release-panel" }, h("h2", null, "Serving release"), notice("info", "Loading…"));
  const metrics = h("section", { class: "panel", id: "metrics-panel" }, h("h2", null, "Traffic and quality"), notice("info", "Loading…"));
  root.append(h("h1", null, "Overview"), release, metrics);
  await Promise.all([fillRelease(api, release), fillMetrics(api, metrics)]);
}

function field(label: string, ...value: (Node | string)[]): HTMLElement[] {
  return [h("dt", null, label), h("dd", null, ...value)];
}

async function fillRelease(api: AdminApi, panel: HTMLElement): Promise<void> {
  const heading = panel.querySelector("h2")!;
  try {
    const [health, { pointer, releases }] = await Promise.all([api.get<Health>("/healthz"), api.get<Releases>("/v1/admin/releases")]);
    const current = releases.find((release) => release.id === pointer?.current);
    const metrics = Object.entries(current?.metrics ?? {});
    replace(
      panel,
      heading,
      h(
        "dl",
        { class: "facts" },
        field("Current", h("strong", { id: "current-release" }, pointer?.current ?? health.model_version ?? "none published")),
        current ? field("Published", formatTime(current.published_at)) : [],
        current ? field("Model", `${current.retrieval_model}, ${current.dimensions} dimensions, dataset ${current.dataset}`) : [],
        current
          ? field(
              "Trained on",
              `${formatNumber(current.counts.items)} items, ${formatNumber(current.counts.users)} users, ${formatNumber(current.counts.interactions)} interactions`,
            )
          : [],
        metrics.length > 0 ? field("Offline metrics", metrics.map(([name, value]) => `${name} ${formatNumber(value, 3)}`).join(" · ")) : [],
        field("Previous (rollback target)", pointer?.previous ?? "none"),
        field("Canary", pointer?.canary ? `${pointer.canary.release} (${formatPercent(pointer.canary.share, 0)} of users)` : "none"),
        field("Vector index", health.vector_index_backend),
        field("Health", health.status),
      ),
      h("p", null, h("a", { href: pageHash("releases") }, "All releases →")),
    );
  } catch (error) {
    replace(panel, heading, notice("error", describeError(error)));
  }
}

async function fillMetrics(api: AdminApi, panel: HTMLElement): Promise<void> {
  const heading = panel.querySelector("h2")!;
  let body: unknown;
  try {
    body = await api.get<unknown>(METRICS_PATH);
  } catch (error) {
    const unavailable = error instanceof ApiError && error.status === 404;
    replace(
      panel,
      heading,
      unavailable
        ? notice(
            "info",
            h("strong", null, "Metrics not available"),
            ": this Worker does not serve ",
            h("code", null, METRICS_PATH),
            " (404).",
          )
        : notice("error", describeError(error)),
    );
    panel.classList.toggle("metrics-unavailable", unavailable);
    return;
  }
  const series = readMetricsSeries(body);
  const totals = readMetricsTotals(body);
  const quality = readQualitySummary(body);
  if (!series && !totals) {
    replace(
      panel,
      heading,
      notice("warn", "The metrics answer holds no time series this console can read; it is shown as it came."),
      h("pre", { class: "raw" }, JSON.stringify(body, null, 2).slice(0, 4000)),
    );
    return;
  }
  replace(
    panel,
    heading,
    series ? [alertList(series), charts(series, quality)] : null,
    totals ? totalsTables(totals, series === null) : null,
  );
}

function totalsTables(totals: MetricsTotals, only: boolean): HTMLElement {
  const requests = totals.requests ?? 0;
  return h(
    "div",
    { class: "totals" },
    h("h3", null, only ? "Since the counters began" : "Totals since the counters began"),
    h(
      "p",
      { class: "meta" },
      `${formatNumber(totals.requests)} API requests`,
      totals.ctr
        ? ` · CTR ${formatPercent(totals.ctr.rate, 2)} (${formatNumber(totals.ctr.clicks)} clicks / ${formatNumber(totals.ctr.impressions)} items returned)`
        : "",
    ),
    h(
      "div",
      { class: "columns" },
      h(
        "div",
        null,
        h("h3", null, "Latency by stage"),
        totals.stages.length === 0
          ? notice("info", "No stage timings yet.")
          : table(
              ["stage", "observations", "p50 ≤", "p99 ≤"],
              totals.stages.map((stage) => [stage.stage, formatNumber(stage.count), formatBound(stage.p50), formatBound(stage.p99)]),
              { id: "stage-latency" },
            ),
      ),
      h(
        "div",
        null,
        h("h3", null, "Fallbacks"),
        totals.fallbacks.length === 0
          ? notice("info", "No fallback taken.")
          : table(
              ["stage", "reason", "count", "per request"],
              totals.fallbacks.map((entry) => [
                entry.stage,
                entry.reason,
                formatNumber(entry.count),
                requests > 0 ? formatPercent(entry.count / requests) : "–",
              ]),
              { id: "fallback-totals" },
            ),
      ),
    ),
  );
}

/** A histogram bucket bound (the overflow bucket has none). */
function formatBound(value: number | null): string {
  return value === Infinity ? "> largest bucket" : formatMs(value);
}

function alertList(series: MetricsSeries): HTMLElement {
  const active = series.alerts.filter((alert) => alert.active);
  if (active.length === 0) {
    return notice(
      "info",
      series.alerts.length === 0 ? "No alerts reported." : `No alert is firing (${series.alerts.length} rules checked).`,
    );
  }
  return h(
    "ul",
    { class: "alerts", id: "alerts" },
    ...active.map((alert) => h("li", { class: `alert alert-${alert.severity}` }, h("strong", null, alert.name), `: ${alert.message}`)),
  );
}

const byStage = (values: Record<string, (number | null)[]>) => Object.entries(values).map(([label, line]) => ({ label, values: line }));

function charts(series: MetricsSeries, quality: QualitySummary | null): HTMLElement {
  const { times } = series;
  const hourlyCtr = quality?.ctr && Object.keys(quality.ctr.bySurface).length > 0 ? quality.ctr : null;
  const coverage = series.coverage.some((value) => value !== null) ? null : (quality?.coverage ?? null);
  return h(
    "div",
    { class: "chart-grid" },
    timeSeriesChart({ title: "Requests", times, series: [{ label: "requests", values: series.requests }], format: (v) => formatNumber(v) }),
    timeSeriesChart({ title: "Latency p50 by stage", times, series: byStage(series.latencyP50), format: formatMs }),
    timeSeriesChart({ title: "Latency p99 by stage", times, series: byStage(series.latencyP99), format: formatMs }),
    timeSeriesChart({ title: "Fallback rate", times, series: byStage(series.fallbackRate), format: (v) => formatPercent(v) }),
    hourlyCtr
      ? timeSeriesChart({
          title: "CTR by surface (hourly)",
          times: hourlyCtr.times,
          series: byStage(hourlyCtr.bySurface),
          format: (v) => formatPercent(v, 2),
        })
      : timeSeriesChart({ title: "CTR", times, series: [{ label: "CTR", values: series.ctr }], format: (v) => formatPercent(v, 2) }),
    coverage
      ? h(
          "figure",
          { class: "chart", dataset: { chart: "Catalogue coverage" } },
          h("figcaption", null, "Catalogue coverage (last 24 h)"),
          h("p", { class: "stat" }, formatPercent(coverage.shareDay)),
          h(
            "p",
            { class: "meta" },
            `${formatNumber(coverage.distinctItemsDay)} distinct items served of ${formatNumber(coverage.catalogueItems)} in the catalogue`,
          ),
        )
      : timeSeriesChart({
          title: "Catalogue coverage",
          times,
          series: [{ label: "coverage", values: series.coverage }],
          format: (v) => formatPercent(v),
        }),
  );
}

/**
 * Experiments: each configured A/B experiment's live per-arm report (`GET /v1/admin/experiments/:id`)
 * — counters, CTR and conversion with 95 % intervals, empty-list rate, p99, coverage, diversity and
 * guardrails against the control — and the running canary's (`GET /v1/admin/releases/canary`).
 */
import { ApiError, type AdminApi, describeError } from "../admin-api";
import type { ArmReport, ExperimentReport, Experiments } from "../api-types";
import { h, notice, replace } from "../dom";
import { formatMs, formatNumber, formatPercent } from "../format";
import type { PageContext } from "../page-context";

/** Renders every experiment's report and the canary's. */
export async function renderExperimentsPage({ api, root }: PageContext): Promise<void> {
  root.append(h("h1", null, "Experiments"));
  const { experiments } = await api.get<Experiments>("/v1/admin/experiments");
  if (experiments.length === 0) root.append(notice("info", "No experiment is configured (SERVING_CONFIG experiments)."));
  const panels = experiments.map((experiment) =>
    h(
      "section",
      { class: "panel experiment", dataset: { experiment: experiment.id } },
      h("h2", null, experiment.id),
      h(
        "p",
        { class: "meta" },
        `traffic ${formatPercent(experiment.traffic, 0)} · surfaces ${experiment.surfaces?.join(", ") ?? "all"} · arms ${experiment.arms.map((arm) => `${arm.name} (weight ${arm.weight})`).join(", ")}`,
      ),
    ),
  );
  const canary = h("section", { class: "panel experiment", id: "canary" }, h("h2", null, "Release canary"));
  root.append(...panels, canary);
  await Promise.all([...experiments.map((experiment, i) => fillReport(api, panels[i]!, experiment.id)), fillCanary(api, canary)]);
}

async function fillReport(api: AdminApi, panel: HTMLElement, id: string): Promise<void> {
  try {
    panel.append(armTable(await api.get<ExperimentReport>(`/v1/admin/experiments/${encodeURIComponent(id)}`)));
  } catch (error) {
    panel.append(notice("error", describeError(error)));
  }
}

async function fillCanary(api: AdminApi, panel: HTMLElement): Promise<void> {
  const heading = panel.querySelector("h2")!;
  try {
    const canary = await api.get<{ canary: string; current: string; share: number; report: ExperimentReport }>("/v1/admin/releases/canary");
    replace(
      panel,
      heading,
      h("p", { class: "meta" }, `${canary.canary} serves ${formatPercent(canary.share, 0)} of users against ${canary.current}`),
      armTable(canary.report),
    );
  } catch (error) {
    replace(
      panel,
      heading,
      error instanceof ApiError && error.status === 404 ? notice("info", "No canary is running.") : notice("error", describeError(error)),
    );
  }
}

/** `3.1 % [2.0 – 4.4 %]` with a bar showing the interval on [0, max]. */
function estimate(value: { value: number; low: number; high: number }): HTMLElement {
  return h(
    "span",
    { class: "estimate" },
    formatPercent(value.value, 2),
    h("span", { class: "sub" }, ` [${formatPercent(value.low, 2)} – ${formatPercent(value.high, 2)}]`),
  );
}

function guardrail(result: string | undefined): HTMLElement {
  if (!result) return h("span", { class: "badge" }, "control");
  return h("span", { class: `badge ${result === "pass" ? "ok" : result === "fail" ? "bad" : "warn"}` }, result.replace("_", " "));
}

function armTable(report: ExperimentReport): HTMLElement {
  const headers = [
    "arm",
    "requests",
    "impressions",
    "clicks",
    "CTR [95 %]",
    "conversion [95 %]",
    "empty lists",
    "p99",
    "coverage",
    "diversity",
    "guardrail p99",
    "guardrail empty",
  ];
  const row = (arm: ArmReport) =>
    h(
      "tr",
      { dataset: { arm: arm.arm } },
      h("td", null, arm.arm === report.control ? h("strong", { title: "control arm" }, arm.arm) : arm.arm),
      h("td", { class: "num" }, formatNumber(arm.counters.requests ?? 0)),
      h("td", { class: "num" }, formatNumber(arm.counters.impressions ?? 0)),
      h("td", { class: "num" }, formatNumber(arm.counters.clicks ?? 0)),
      h("td", null, estimate(arm.ctr)),
      h("td", null, estimate(arm.conversion_rate)),
      h("td", { class: "num" }, formatPercent(arm.empty_rate)),
      h("td", { class: "num" }, formatMs(arm.latency_p99_ms)),
      h(
        "td",
        { class: "num" },
        `${formatNumber(arm.coverage.distinct_items)} items`,
        arm.coverage.share_of_catalogue !== null ? ` (${formatPercent(arm.coverage.share_of_catalogue)})` : "",
      ),
      h("td", { class: "num" }, arm.category_diversity === null ? "–" : formatNumber(arm.category_diversity, 2)),
      h("td", null, guardrail(arm.guardrails?.latency_p99)),
      h("td", null, guardrail(arm.guardrails?.empty_rate)),
    );
  return h(
    "table",
    { class: "arm-report" },
    h("thead", null, h("tr", null, ...headers.map((header) => h("th", null, header)))),
    h("tbody", null, ...report.arms.map(row)),
  );
}

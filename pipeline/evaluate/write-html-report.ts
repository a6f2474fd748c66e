/**
 * A self-contained HTML report of an evaluation (inline SVG, no scripts or external assets),
 * written next to the JSON: the results table, accuracy per model with the spread over seeds and
 * the published rows, the popularity long tail of the data against each model's recommendations,
 * catalogue coverage and the long-tail share per model.
 */
import { writeFile } from "node:fs/promises";
import { metricKey, REPORT_METRICS, type EvaluationReport, type ReportMetric } from "./evaluation-report";
import type { PopularityProfile } from "./popularity-profile";

const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
const ACCURACY: readonly ReportMetric[] = ["MAP", "nDCG", "Precision", "Recall"];

/** Writes the report to `path`. */
export async function writeHtmlReport(path: string, report: EvaluationReport, profile: PopularityProfile): Promise<void> {
  await writeFile(path, renderHtmlReport(report, profile));
}

/** The report as an HTML document. */
export function renderHtmlReport(report: EvaluationReport, profile: PopularityProfile): string {
  const k = report.k;
  const models = Object.keys(report.models);
  const accuracyGroups = [
    ...models.map((name) => ({
      name: name === report.serving_model ? `${name} (serving)` : name,
      values: ACCURACY.map((m) => report.models[name]![metricKey(m, k)]!),
      errors: ACCURACY.map((m) => report.models[name]![`${metricKey(m, k)}_std`]!),
      reference: false,
    })),
    ...Object.entries(report.references).map(([name, row]) => ({
      name,
      values: ACCURACY.map((m) => row[metricKey(m, k)]!),
      errors: ACCURACY.map(() => 0),
      reference: true,
    })),
  ];
  const coverage = models.map((name) => ({
    name,
    value: report.models[name]!.coverage!,
    error: report.models[name]!.coverage_std!,
  }));
  const longTail = models.map((name) => ({
    name,
    value: report.models[name]!.long_tail ?? Number.NaN,
    error: report.models[name]!.long_tail_std ?? 0,
  }));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Evaluation — ${esc(report.dataset)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
table{border-collapse:collapse;font-variant-numeric:tabular-nums;margin:1rem 0}
td,th{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:right}td:first-child,th:first-child{text-align:left}
tr.serving td{font-weight:600;background:#f3f7fb}tr.reference td{color:#666;font-style:italic}
figure{margin:2rem 0}figcaption{color:#555;margin-top:.3rem}code{background:#f4f4f4;padding:0 .2rem}
</style></head><body>
<h1>Evaluation of <code>${esc(report.dataset)}</code></h1>
<p>${esc(report.protocol)}. Seeds ${report.seeds.join(", ")}; mean ± sample standard deviation over seeds.
Serving model: <strong>${esc(report.serving_model)}</strong> — ${esc(report.serving.how)}.
Total time ${report.timing.total_seconds.toFixed(1)} s.</p>
${resultsTable(report)}
<figure>${groupedBarChart(
    accuracyGroups,
    ACCURACY.map((m) => metricKey(m, k)),
  )}
<figcaption>Accuracy per model (error bars: ±1 std over seeds). Hatched: published reference rows.</figcaption></figure>
<figure>${lineChart(profile)}
<figcaption>Popularity long tail: items ranked by training popularity and cut into ${profile.buckets} equal buckets
(1 = most popular). Grey: share of training interactions per bucket; lines: share of each model's recommendations.</figcaption></figure>
<figure>${barChart(coverage)}
<figcaption>Catalogue coverage: distinct recommended items / items with training interactions.</figcaption></figure>
${
  longTail.every((bar) => Number.isFinite(bar.value))
    ? `<figure>${barChart(longTail)}
<figcaption>Long-tail share: recommended slots whose item is outside the 20 % most popular training items
(<code>tail_coverage</code> in the table: distinct long-tail items recommended / long-tail items).</figcaption></figure>
`
    : ""
}</body></html>
`;
}

function resultsTable(report: EvaluationReport): string {
  const k = report.k;
  const columns: readonly ReportMetric[] = REPORT_METRICS;
  const meanOnly = new Set<ReportMetric>(["coverage", "long_tail", "tail_coverage", "novelty", "diversity"]);
  const head = `<tr><th>model</th>${columns.map((c) => `<th>${esc(metricKey(c, k))}</th>`).join("")}<th>fit s</th></tr>`;
  const rows = Object.entries(report.models).map(([name, row]) => {
    const cells = columns.map((c) => {
      const key = metricKey(c, k);
      return `<td>${num(row[key], 4)}${meanOnly.has(c) ? "" : ` ± ${num(row[`${key}_std`], 4)}`}</td>`;
    });
    const cls = name === report.serving_model ? ' class="serving"' : "";
    return `<tr${cls}><td>${esc(name)}</td>${cells.join("")}<td>${num(row.fit_seconds, 1)}</td></tr>`;
  });
  const refs = Object.entries(report.references).map(
    ([name, row]) =>
      `<tr class="reference"><td>${esc(name)}</td>${columns.map((c) => `<td>${num(row[metricKey(c, k)], 3)}</td>`).join("")}<td></td></tr>`,
  );
  return `<table>${head}${rows.join("")}${refs.join("")}</table>`;
}

interface Group {
  name: string;
  values: number[];
  errors: number[];
  reference: boolean;
}

function groupedBarChart(groups: Group[], series: string[]): string {
  const width = 1000;
  const rowHeight = 14;
  const groupGap = 14;
  const left = 220;
  const plotWidth = width - left - 40;
  const height = 40 + groups.length * (series.length * rowHeight + groupGap);
  const max = niceMax(Math.max(...groups.flatMap((g) => g.values.map((v, i) => v + (g.errors[i] ?? 0)))));
  const x = (v: number) => left + (v / max) * plotWidth;
  let y = 30;
  const parts: string[] = [patternDefs(), axis(left, plotWidth, max, height - 10)];
  for (const group of groups) {
    parts.push(`<text x="${left - 8}" y="${y + (series.length * rowHeight) / 2 + 4}" text-anchor="end">${esc(group.name)}</text>`);
    group.values.forEach((value, s) => {
      const color = PALETTE[s % PALETTE.length]!;
      const fill = group.reference ? `url(#hatch${s})` : color;
      parts.push(
        `<rect x="${left}" y="${y}" width="${Math.max(0, x(value) - left)}" height="${rowHeight - 3}" fill="${fill}" stroke="${color}"/>`,
      );
      const error = group.errors[s] ?? 0;
      if (error > 0) {
        const cy = y + (rowHeight - 3) / 2;
        parts.push(`<line x1="${x(value - error)}" x2="${x(value + error)}" y1="${cy}" y2="${cy}" stroke="#222"/>`);
      }
      parts.push(`<text x="${x(value) + 4}" y="${y + rowHeight - 4}" font-size="10">${value.toFixed(3)}</text>`);
      y += rowHeight;
    });
    y += groupGap;
  }
  const legend = series
    .map(
      (name, s) =>
        `<rect x="${left + s * 130}" y="6" width="12" height="12" fill="${PALETTE[s % PALETTE.length]}"/><text x="${left + s * 130 + 16}" y="16">${esc(name)}</text>`,
    )
    .join("");
  return `<svg viewBox="0 0 ${width} ${height}" width="100%" font-size="12">${legend}${parts.join("")}</svg>`;
}

function barChart(bars: { name: string; value: number; error: number }[]): string {
  const width = 1000;
  const rowHeight = 22;
  const left = 220;
  const plotWidth = width - left - 60;
  const height = 30 + bars.length * rowHeight;
  const max = niceMax(Math.max(...bars.map((b) => b.value + b.error), 1e-9));
  const x = (v: number) => left + (v / max) * plotWidth;
  const parts = bars.map((bar, i) => {
    const y = 10 + i * rowHeight;
    const cy = y + (rowHeight - 6) / 2;
    return (
      `<text x="${left - 8}" y="${cy + 4}" text-anchor="end">${esc(bar.name)}</text>` +
      `<rect x="${left}" y="${y}" width="${Math.max(0, x(bar.value) - left)}" height="${rowHeight - 6}" fill="${PALETTE[i % PALETTE.length]}"/>` +
      (bar.error > 0
        ? `<line x1="${x(bar.value - bar.error)}" x2="${x(bar.value + bar.error)}" y1="${cy}" y2="${cy}" stroke="#222"/>`
        : "") +
      `<text x="${x(bar.value) + 4}" y="${cy + 4}" font-size="10">${(bar.value * 100).toFixed(1)}%</text>`
    );
  });
  return `<svg viewBox="0 0 ${width} ${height + 20}" width="100%" font-size="12">${axis(left, plotWidth, max, height + 10)}${parts.join("")}</svg>`;
}

function lineChart(profile: PopularityProfile): string {
  const width = 1000;
  const height = 360;
  const left = 60;
  const top = 20;
  const plotWidth = 700;
  const plotHeight = 300;
  const series = [{ name: "training interactions", values: profile.interactions, color: "#999", dash: "6 4" }].concat(
    Object.entries(profile.models).map(([name, values], i) => ({ name, values, color: PALETTE[i % PALETTE.length]!, dash: "" })),
  );
  const max = niceMax(Math.max(...series.flatMap((s) => s.values)));
  const x = (b: number) => left + (profile.buckets > 1 ? (b / (profile.buckets - 1)) * plotWidth : 0);
  const y = (v: number) => top + plotHeight - (v / max) * plotHeight;
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (f) =>
        `<line x1="${left}" x2="${left + plotWidth}" y1="${y(f * max)}" y2="${y(f * max)}" stroke="#eee"/><text x="${left - 6}" y="${y(f * max) + 4}" text-anchor="end">${(f * max * 100).toFixed(0)}%</text>`,
    )
    .join("");
  const ticks = Array.from(
    { length: profile.buckets },
    (_, b) => `<text x="${x(b)}" y="${top + plotHeight + 16}" text-anchor="middle">${b + 1}</text>`,
  ).join("");
  const lines = series
    .map(
      (s) =>
        `<polyline fill="none" stroke="${s.color}" stroke-width="2" ${s.dash ? `stroke-dasharray="${s.dash}"` : ""} points="${s.values.map((v, b) => `${x(b)},${y(v)}`).join(" ")}"/>`,
    )
    .join("");
  const legend = series
    .map(
      (s, i) =>
        `<line x1="${left + plotWidth + 30}" x2="${left + plotWidth + 50}" y1="${top + 10 + i * 18}" y2="${top + 10 + i * 18}" stroke="${s.color}" stroke-width="2" ${s.dash ? `stroke-dasharray="${s.dash}"` : ""}/><text x="${left + plotWidth + 56}" y="${top + 14 + i * 18}">${esc(s.name)}</text>`,
    )
    .join("");
  return `<svg viewBox="0 0 ${width} ${height + 20}" width="100%" font-size="12">${grid}${ticks}${lines}${legend}<text x="${left + plotWidth / 2}" y="${top + plotHeight + 34}" text-anchor="middle">item popularity bucket (1 = most popular)</text></svg>`;
}

function axis(left: number, plotWidth: number, max: number, bottom: number): string {
  return [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const xv = left + f * plotWidth;
      return `<line x1="${xv}" x2="${xv}" y1="24" y2="${bottom - 12}" stroke="#eee"/><text x="${xv}" y="${bottom}" text-anchor="middle" font-size="10">${(f * max).toPrecision(2)}</text>`;
    })
    .join("");
}

function patternDefs(): string {
  return `<defs>${PALETTE.map((color, i) => `<pattern id="hatch${i}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="${color}" stroke-width="3"/></pattern>`).join("")}</defs>`;
}

function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function num(value: number | undefined, digits: number): string {
  return value !== undefined && Number.isFinite(value) ? value.toFixed(digits) : "—";
}

function esc(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

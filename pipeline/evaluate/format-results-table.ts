/**
 * The plain-text results table `pipeline evaluate` prints: one row per model with mean ± std over
 * seeds for the accuracy columns, means for the beyond-accuracy columns (catalogue coverage, long-tail
 * share and long-tail coverage beside the accuracy, novelty, diversity) and fit time, the serving
 * model marked with `*`, and the published reference rows underneath when there are any.
 */
import { metricKey, type EvaluationReport, type ReportMetric } from "./evaluation-report";

const ACCURACY: readonly ReportMetric[] = ["MAP", "nDCG", "Precision", "Recall"];
const BEYOND: readonly ReportMetric[] = ["coverage", "long_tail", "tail_coverage", "novelty", "diversity"];

/** Width of a beyond-accuracy column: 10, or its header and two spaces. */
function beyondWidth(metric: ReportMetric, k: number): number {
  return Math.max(10, metricKey(metric, k).length + 2);
}

/** The table as lines of text. */
export function formatResultsTable(report: EvaluationReport): string[] {
  const k = report.k;
  const names = [...Object.keys(report.models), ...Object.keys(report.references)];
  const nameWidth = Math.max(24, ...names.map((n) => n.length + 4));
  const header = [
    "model".padEnd(nameWidth),
    ...ACCURACY.map((m) => metricKey(m, k).padEnd(17)),
    ...BEYOND.map((m) => metricKey(m, k).padEnd(beyondWidth(m, k))),
    "fit s",
  ].join("");
  const lines = [header, "-".repeat(header.length)];
  for (const [name, row] of Object.entries(report.models)) {
    const marker = name === report.serving_model ? "* " : "  ";
    const cells = [
      (marker + name).padEnd(nameWidth),
      ...ACCURACY.map((m) => `${fixed(row[metricKey(m, k)], 4)} ± ${fixed(row[`${metricKey(m, k)}_std`], 4)}`.padEnd(17)),
      ...BEYOND.map((m) => fixed(row[metricKey(m, k)], 3).padEnd(beyondWidth(m, k))),
      fixed(row.fit_seconds, 1),
    ];
    lines.push(cells.join(""));
  }
  const references = Object.entries(report.references);
  if (references.length > 0) {
    lines.push("-".repeat(header.length));
    for (const [name, row] of references) {
      lines.push(
        [
          `  ${name}`.padEnd(nameWidth),
          ...ACCURACY.map((m) => fixed(row[metricKey(m, k)], 3).padEnd(17)),
          ...BEYOND.map((m) => "".padEnd(beyondWidth(m, k))),
        ]
          .join("")
          .trimEnd(),
      );
    }
  }
  lines.push(`* serving model (${report.serving.how})`);
  return lines;
}

function fixed(value: number | undefined, digits: number): string {
  return value !== undefined && Number.isFinite(value) ? value.toFixed(digits) : "—";
}

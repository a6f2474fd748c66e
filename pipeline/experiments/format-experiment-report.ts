/**
 * The plain-text tables `pipeline experiment-report` prints: one block per experiment, one row per
 * arm (the control first), rates with their user-clustered 95 % intervals, the CTR and conversion
 * tests against the control (Holm-adjusted p, `*` when significant) and the guardrails, then the
 * notes.
 */
import type { ProportionEstimate } from "../../shared/experiments/wilson-interval";
import type { ArmComparison, ExperimentReport } from "./build-experiment-report";

const COLUMNS = [
  ["arm", 12],
  ["users", 8],
  ["impr", 9],
  ["clicks", 8],
  ["conv", 7],
  ["CTR [95% CI]", 24],
  ["conv/impr [95% CI]", 24],
  ["coverage", 10],
  ["cat div", 9],
  ["CTR p adj", 12],
  ["conv p adj", 12],
  ["guardrails", 0],
] as const;

/** The report as lines of text. */
export function formatExperimentReport(report: ExperimentReport): string[] {
  const lines = [
    `${report.events} unique events, ${report.catalogue_items} items seen, ${report.events_without_request_id} impressions/clicks/conversions without request_id`,
  ];
  for (const experiment of report.experiments) {
    const surfaces = experiment.surfaces === "all" ? "all surfaces" : experiment.surfaces.join(", ");
    lines.push("", `experiment ${experiment.experiment} (traffic ${experiment.traffic}, ${surfaces}, control ${experiment.control})`);
    const header = COLUMNS.map(([name, width]) => name.padEnd(width)).join("");
    lines.push(header, "-".repeat(header.length));
    for (const arm of experiment.arms) {
      const guardrails = arm.guardrails
        ? Object.entries(arm.guardrails)
            .map(([name, verdict]) => `${name}=${verdict}`)
            .join(" ")
        : "(control)";
      const cells = [
        arm.arm,
        String(arm.users),
        String(arm.impressions),
        String(arm.clicks),
        String(arm.conversions),
        interval(arm.ctr),
        interval(arm.conversion_rate),
        arm.coverage.toFixed(3),
        arm.category_diversity === null ? "n/a" : arm.category_diversity.toFixed(3),
        adjustedP(arm.ctr_vs_control),
        adjustedP(arm.conversion_vs_control),
        guardrails,
      ];
      lines.push(cells.map((cell, i) => cell.padEnd(COLUMNS[i]![1])).join(""));
    }
    const { impressions, clicks, conversions } = experiment.unattributed;
    lines.push(`unattributed (user outside the experiment): ${impressions} impressions, ${clicks} clicks, ${conversions} conversions`);
  }
  for (const note of report.notes) lines.push(`note: ${note}`);
  return lines;
}

function adjustedP(comparison: ArmComparison | undefined): string {
  return comparison ? `${comparison.p_adjusted.toFixed(4)}${comparison.significant ? " *" : ""}` : "-";
}

function interval(estimate: ProportionEstimate): string {
  return `${estimate.value.toFixed(4)} [${estimate.low.toFixed(4)}, ${estimate.high.toFixed(4)}]`;
}

/**
 * The `bias-report` command: position bias and popularity bias on a position-biased demo dataset,
 * naive against inverse-propensity-weighted ALS, scored against the simulation's ground truth
 * (bias/bias-report.ts). Without `--data` it generates the dataset (`generate --position-bias`)
 * into a temporary folder first; with it, the folder must hold the generator's `ground-truth.json`.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { BIAS_REPORT_DEFAULTS, BIAS_VARIANTS, biasReport, type BiasMetrics, type BiasReport } from "../bias/bias-report";
import { GROUND_TRUTH_FILE, readGroundTruth } from "../bias/ground-truth";
import { nonZeroCount } from "../data/interaction-matrix";
import { loadDataset } from "../data/load-dataset";
import { isFile } from "../data/file-kind";
import { POSITION_BIAS_DEFAULTS } from "../generate/demo-generator";
import { writeDemoDataset } from "../generate/write-demo-dataset";
import { ProgressLog, type LineWriter } from "./progress-log";

/** Options of {@link runBiasReport}. */
export interface BiasReportCommandOptions {
  /** A `generate --position-bias` folder; absent: generate one with the options below. */
  data?: string;
  /** Catalogue and users of the generated dataset. */
  items: number;
  users: number;
  /** η of the generated dataset's examination curve. */
  eta: number;
  exploreShare: number;
  /** Seeds 42, 43, … (splits and models). */
  seeds: number;
  k: number;
  /** Clipping of the inverse-propensity weights. */
  maxWeight: number;
  /** Also write the report as JSON. */
  out?: string;
}

/** Defaults: a 1500-item, 3000-user demo with η = 1 and 10 % randomised lists, 3 seeds. */
export const BIAS_REPORT_COMMAND_DEFAULTS = {
  items: 1500,
  users: 3000,
  eta: 1,
  exploreShare: POSITION_BIAS_DEFAULTS.exploreShare,
  seeds: 3,
  k: BIAS_REPORT_DEFAULTS.k,
  maxWeight: 20,
} as const satisfies BiasReportCommandOptions;

/** Runs the report, prints its tables and returns it. */
export async function runBiasReport(options: Partial<BiasReportCommandOptions>, write?: LineWriter): Promise<BiasReport> {
  const opts = { ...BIAS_REPORT_COMMAND_DEFAULTS, ...options } satisfies BiasReportCommandOptions;
  const log = new ProgressLog("bias-report", write);
  const temporary = opts.data === undefined ? await mkdtemp(join(tmpdir(), "bias-report-")) : undefined;
  try {
    const folder = opts.data ?? temporary!;
    if (temporary) {
      await log.step(
        `generated a position-biased demo (η ${opts.eta}, ${opts.exploreShare * 100} % randomised lists) in ${folder}`,
        () =>
          writeDemoDataset(folder, {
            items: opts.items,
            users: opts.users,
            name: "demo-position-bias",
            positionBias: { ...POSITION_BIAS_DEFAULTS, eta: opts.eta, exploreShare: opts.exploreShare },
          }),
        (d) => `${d.counts.items} items, ${d.counts.users} users, ${d.counts.events} events`,
      );
    }
    const truthPath = join(folder, GROUND_TRUTH_FILE);
    if (!(await isFile(truthPath))) {
      throw new Error(`${resolve(folder)} has no ${GROUND_TRUTH_FILE}: generate it with generate --position-bias <eta>`);
    }
    const truth = await readGroundTruth(truthPath);
    const dataset = await log.step(
      `loaded ${resolve(folder)}`,
      () => loadDataset(folder),
      (d) => `${d.items.ids.size} items, ${d.users.ids.size} users, ${nonZeroCount(d.interactions)} positive pairs`,
    );
    const seeds = Array.from({ length: opts.seeds }, (_, i) => 42 + i);
    const report = await log.step(`naive vs inverse-propensity-weighted ALS, seeds ${seeds.join(", ")}`, async () =>
      biasReport(dataset, truth, { seeds, k: opts.k, propensity: { maxWeight: opts.maxWeight } }),
    );
    for (const line of formatBiasReport(report)) log.info(line);
    if (opts.out !== undefined) {
      await writeFile(opts.out, `${JSON.stringify(report, null, 2)}\n`);
      log.info(`wrote ${resolve(opts.out)}`);
    }
    return report;
  } finally {
    if (temporary) await rm(temporary, { recursive: true, force: true });
  }
}

const COLUMNS: readonly { key: keyof BiasMetrics; label: (k: number) => string; digits: number }[] = [
  { key: "trueNdcg", label: (k) => `true nDCG@${k}`, digits: 4 },
  { key: "trueRelevance", label: () => "true rel", digits: 4 },
  { key: "loggedNdcg", label: (k) => `logged nDCG@${k}`, digits: 4 },
  { key: "popularity", label: () => "popularity", digits: 4 },
  { key: "longTailShare", label: () => "long_tail", digits: 3 },
  { key: "longTailCoverage", label: () => "tail_coverage", digits: 3 },
  { key: "coverage", label: () => "coverage", digits: 3 },
];

/** The report as text: the examination curve, true against estimated, then the variants. */
export function formatBiasReport(report: BiasReport): string[] {
  const lines = [`examination θₚ: true η ${report.eta.truth}, estimated η ${report.eta.estimate.toFixed(3)}`];
  lines.push(`${"position".padEnd(10)}${"true θ".padEnd(10)}${"est. θ̂".padEnd(10)}randomised impressions`);
  for (const row of report.examination) {
    lines.push(
      `${String(row.position).padEnd(10)}${row.truth.toFixed(3).padEnd(10)}${row.estimate.toFixed(3).padEnd(10)}${row.impressions}`,
    );
  }
  const widths = COLUMNS.map((c) => Math.max(c.label(report.k).length + 2, 18));
  const header = ["variant".padEnd(14), ...COLUMNS.map((c, i) => c.label(report.k).padEnd(widths[i]!))].join("").trimEnd();
  lines.push(
    "",
    `mean ± std over seeds ${report.seeds.join(", ")} (${report.testUsers.join(", ")} test users); popularity = mean share of training users of a recommended item`,
  );
  lines.push(header, "-".repeat(header.length));
  const cell = (value: { mean: number; std: number }, digits: number, sign = false) =>
    `${sign && value.mean >= 0 ? "+" : ""}${value.mean.toFixed(digits)} ± ${value.std.toFixed(digits)}`;
  for (const variant of BIAS_VARIANTS) {
    lines.push(
      [variant.padEnd(14), ...COLUMNS.map((c, i) => cell(report.variants[variant][c.key], c.digits).padEnd(widths[i]!))].join("").trimEnd(),
    );
  }
  lines.push(
    ["ips − naive".padEnd(14), ...COLUMNS.map((c, i) => cell(report.ipsGain[c.key], c.digits, true).padEnd(widths[i]!))].join("").trimEnd(),
  );
  return lines;
}

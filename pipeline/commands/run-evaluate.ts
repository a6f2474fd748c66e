/**
 * The `evaluate` command: load → split by the protocol for each seed → tune hyperparameters on a
 * validation split carved out of the first seed's training part → fit and evaluate every model on
 * every seed → print the results table (with the published rows for MovieLens 100k) and write the
 * JSON report and an HTML report with plots next to it. Seeds and tuning trials run in worker
 * threads (one per core) when there is more than one core.
 */
import { objectiveLabels, objectiveMasks } from "../ranking/objective-labels";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { Dataset } from "../data/dataset";
import { columnEventCounts, nonZeroCount } from "../data/interaction-matrix";
import { lakeSourceFrom } from "../data/lake/lake-source-from";
import { loadDataset } from "../data/load-dataset";
import { readEventWeights } from "../data/read-event-weights";
import { planEntry, type EvaluationPlan } from "../evaluate/evaluation-plan";
import { PROTOCOLS, type EvaluationProtocol, type ProtocolName } from "../evaluate/evaluation-protocol";
import { buildEvaluationReport, type EvaluationReport } from "../evaluate/evaluation-report";
import type { SeedOutcome } from "../evaluate/evaluation-task";
import { formatResultsTable } from "../evaluate/format-results-table";
import { popularityProfile } from "../evaluate/popularity-profile";
import { isMovielens100k, MOVIELENS_100K_PUBLISHED } from "../evaluate/published-benchmarks";
import { describeServing } from "../evaluate/serving-model";
import { defaultPlan, tunePlan, TUNE_PLAN_DEFAULTS, type TuningGrids, type TuningResult } from "../evaluate/tune-plan";
import { writeHtmlReport } from "../evaluate/write-html-report";
import { EvaluationExecutor } from "./evaluation-executor";
import { ProgressBars } from "./progress-bars";
import { ProgressLog, type LineWriter } from "./progress-log";
import { describePropensity, withInversePropensity } from "../bias/inverse-propensity";
import type { PositionPropensityOptions } from "../bias/position-propensity";

/** Options of {@link runEvaluate}. */
export interface EvaluateCommandOptions {
  /** Dataset folder. */
  data: string;
  /** Number of seeds (consecutive from `firstSeed`). */
  seeds: number;
  firstSeed: number;
  /** JSON report path (default `artifacts/<dataset>/evaluation.json`); the HTML goes beside it. */
  out?: string;
  protocol: ProtocolName;
  /** Cut-off of every metric. */
  k: number;
  /** Size of the served vectors. */
  dimensions: number;
  /** Tune on a validation split (otherwise defaults, or `params`). */
  tune: boolean;
  /** Reuse the plan (models and hyperparameters) of an earlier evaluation JSON. */
  params?: string;
  /** Override tuning grids (tests use tiny ones). */
  grids?: Partial<TuningGrids>;
  /** Draw progress bars (default: when stderr is a terminal). */
  progressBars?: boolean;
  /** Worker threads for seeds and tuning trials (default: one per core; 1 = in-process). */
  workers?: number;
  /** Also evaluate the `funnel` row: serving-model candidates re-ranked by a ranker trained on validation. */
  funnel: boolean;
  /** Event lake to merge into the dataset (`local`, a Worker URL or a folder; pipeline/data/lake/lake-source-from.ts). */
  lake?: string;
  /** Event-weight table file (`--event-weights`; default: the dataset format's, data/dataset-event-weights.ts). */
  eventWeights?: string;
  /** Time box of the ALS search after the base grid, wall seconds (`--als-budget`; default: als-search.ts). */
  alsBudget?: number;
  /** Inverse propensity weighting of position-logged events (`--ips`; absent: off), bias/inverse-propensity.ts. */
  ips?: Partial<PositionPropensityOptions>;
}

/** Defaults: 5 seeds from 42, the published protocol, k = 10, 32-d serving vectors, tuning on. */
export const EVALUATE_COMMAND_DEFAULTS = {
  seeds: 5,
  firstSeed: 42,
  protocol: "random-by-item",
  k: 10,
  dimensions: TUNE_PLAN_DEFAULTS.dimensions,
  tune: true,
  funnel: true,
} as const satisfies Omit<EvaluateCommandOptions, "data">;

/** Runs the evaluation; returns the report (also written to disk). */
export async function runEvaluate(
  options: Partial<EvaluateCommandOptions> & { data: string },
  write?: LineWriter,
): Promise<EvaluationReport> {
  const opts = { ...EVALUATE_COMMAND_DEFAULTS, ...options } satisfies EvaluateCommandOptions;
  const bars = new ProgressBars(opts.progressBars !== undefined ? { enabled: opts.progressBars } : {});
  const log = new ProgressLog("evaluate", write ?? bars.writer());
  const started = performance.now();
  let executor: EvaluationExecutor | undefined;
  try {
    const eventWeights = opts.eventWeights !== undefined ? await readEventWeights(opts.eventWeights) : undefined;
    const loaded = await log.step(
      `loaded ${resolve(opts.data)}`,
      () =>
        loadDataset(opts.data, {
          ...(opts.lake !== undefined ? { lake: lakeSourceFrom(opts.lake) } : {}),
          ...(eventWeights ? { eventWeights } : {}),
        }),
      (d) =>
        `"${d.name}" (${d.format}): ${d.items.ids.size} items, ${d.users.ids.size} users, ${nonZeroCount(d.interactions)} interactions, ` +
        `${nonZeroCount(d.negatives)} negative pairs (event weights: ${d.eventWeights.source})`,
    );
    for (const line of loaded.issues.format().split("\n").filter(Boolean)) log.info(line);
    const weighted = opts.ips ? withInversePropensity(loaded, opts.ips) : undefined;
    if (weighted) log.info(`inverse propensity weighting: ${describePropensity(weighted.propensity)}`);
    const dataset = weighted?.dataset ?? loaded;
    const loadSeconds = (performance.now() - started) / 1000;
    if (nonZeroCount(dataset.interactions) === 0) throw new Error("the dataset has no positive interactions");
    const protocol = PROTOCOLS[opts.protocol];
    const seeds = Array.from({ length: opts.seeds }, (_, i) => opts.firstSeed + i);
    log.info(`protocol: ${protocol.description}; seeds ${seeds.join(", ")}`);
    const workers = Math.max(1, opts.workers ?? availableParallelism());
    executor = new EvaluationExecutor({ interactions: dataset.interactions, negatives: dataset.negatives }, workers, bars);
    log.info(workers > 1 ? `${workers} worker threads` : "in-process");

    const tuningStart = performance.now();
    const { plan, tuning } = await choosePlan(opts, protocol, seeds[0]!, executor, workers, bars, log);
    const tuningSeconds = (performance.now() - tuningStart) / 1000;
    for (const entry of plan.entries) {
      const score = tuning?.validationNdcg[entry.key];
      log.info(
        `  ${entry.key}: ${JSON.stringify(entry.spec)}${score !== undefined ? `  (validation nDCG@${opts.k} ${score.toFixed(4)})` : ""}`,
      );
    }
    log.info(`serving model: ${plan.serving}`);

    const funnel = opts.funnel
      ? {
          funnelItems: dataset.items.items.map((item) => ({
            releasedAt: item.releasedAt,
            sponsored: item.sponsored,
            category: item.category,
          })),
          funnelProfiles: dataset.users.profiles,
          funnelObjectives: objectiveMasks(objectiveLabels(dataset.events, dataset.items.items.length), dataset.interactions),
        }
      : {};
    bars.startOverall("seeds", seeds.length);
    let seedsDone = 0;
    const seedResults = await Promise.all(
      seeds.map(async (seed) => {
        const outcome = await executor!.run({ kind: "seed", protocol: opts.protocol, seed, plan, k: opts.k, ...funnel });
        bars.overall(++seedsDone, `seed ${seed} done`);
        const serving = outcome.runs[plan.serving]!;
        log.info(
          `seed ${seed}: ${outcome.testUsers} test users; ${plan.serving} MAP ${serving.map.toFixed(4)} ` +
            `nDCG@${opts.k} ${serving.ndcg.toFixed(4)} (${outcome.seconds.toFixed(1)}s)`,
        );
        const ranker = outcome.runs.funnel?.ranker;
        if (ranker) {
          log.info(
            `seed ${seed}: funnel ranker ${ranker.chosen} (held-back validation nDCG@${opts.k} / value nDCG: logistic ` +
              `${ranker.logisticNdcg.toFixed(4)} / ${ranker.logisticValueNdcg.toFixed(4)}, MLP ` +
              `${ranker.mlpNdcg === null ? "not trained" : `${ranker.mlpNdcg.toFixed(4)} / ${ranker.mlpValueNdcg!.toFixed(4)} [${ranker.objectives.join(", ")}]`})`,
          );
        }
        return outcome;
      }),
    );
    bars.stop();

    const report = buildEvaluationReport({
      dataset: dataset.name,
      protocol,
      k: opts.k,
      plan,
      serving: describeServing(plan.serving, planEntry(plan, plan.serving).spec),
      seeds: seedResults,
      tuning,
      references:
        protocol.name === "random-by-item" &&
        isMovielens100k(dataset.format, dataset.users.ids.size, dataset.items.ids.size, dataset.events.length)
          ? MOVIELENS_100K_PUBLISHED
          : [],
      datasetStats: {
        users: dataset.users.ids.size,
        items: dataset.items.ids.size,
        interactions: nonZeroCount(dataset.interactions),
        skipped_lines: dataset.issues.count,
        negative_pairs: nonZeroCount(dataset.negatives),
      },
      eventWeights: dataset.eventWeights,
      ...(weighted ? { inversePropensity: weighted.propensity } : {}),
      timing: {
        total_seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
        load_seconds: Number(loadSeconds.toFixed(2)),
        tuning_seconds: Number(tuningSeconds.toFixed(2)),
      },
      generatedAt: new Date(),
    });
    for (const line of formatResultsTable(report)) log.info(line);
    const out = opts.out ?? join("artifacts", dataset.name, "evaluation.json");
    const html = await writeReports(out, report, dataset, seedResults);
    log.info(`wrote ${resolve(out)} and ${resolve(html)}`);
    log.info(`done in ${log.elapsed()}`);
    return report;
  } finally {
    bars.stop();
    await executor?.close();
  }
}

/** The plan to evaluate: reused from `--params`, tuned on validation, or the defaults. */
async function choosePlan(
  opts: EvaluateCommandOptions,
  protocol: EvaluationProtocol,
  firstSeed: number,
  executor: EvaluationExecutor,
  workers: number,
  bars: ProgressBars,
  log: ProgressLog,
): Promise<{ plan: EvaluationPlan; tuning: TuningResult | null }> {
  if (opts.params !== undefined) {
    const plan = (JSON.parse(await readFile(opts.params, "utf8")) as EvaluationReport).plan;
    log.info(`models and hyperparameters from ${opts.params}`);
    return { plan, tuning: null };
  }
  if (!opts.tune) {
    log.info("default hyperparameters (no tuning)");
    return { plan: defaultPlan({ dimensions: opts.dimensions }), tuning: null };
  }
  const validation = executor.splits.validation(protocol.name, firstSeed);
  const tuning = await log.step(
    `tuned on a validation split of seed ${firstSeed}'s training part (${validation.testUsers.length} users)`,
    () =>
      tunePlan(
        validation,
        {
          grids: { ...TUNE_PLAN_DEFAULTS.grids, ...opts.grids },
          k: opts.k,
          dimensions: opts.dimensions,
          seed: firstSeed,
          alsSearch: { parallelism: workers, ...(opts.alsBudget !== undefined ? { budgetSeconds: opts.alsBudget } : {}) },
          onTrial: (label, done, total) => {
            bars.startOverall("tuning", total);
            bars.overall(done, label);
          },
          fitProgress: (label, done, total) => bars.step(label, done, total),
        },
        executor.trialRunner(protocol.name, firstSeed, opts.k),
      ),
    (t) =>
      `${t.trials.length} trials; ALS search: ${t.alsSearch.rounds} round(s), ${t.alsSearch.stopped}` +
      ` (${t.alsSearch.spentSeconds.toFixed(0)} of ${t.alsSearch.budgetSeconds} s${t.alsSearch.skipped > 0 ? `, ${t.alsSearch.skipped} step(s) over budget` : ""})`,
  );
  return { plan: tuning.plan, tuning };
}

/** Writes the JSON report to `out` and the HTML report beside it; returns the HTML path. */
async function writeReports(out: string, report: EvaluationReport, dataset: Dataset, seeds: SeedOutcome[]): Promise<string> {
  const html = `${out.replace(/\.json$/i, "")}.html`;
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
  const profile = popularityProfile(
    columnEventCounts(dataset.interactions),
    Object.fromEntries(Object.entries(seeds[0]!.runs).map(([key, run]) => [key, run.itemCounts])),
  );
  await writeHtmlReport(html, report, profile);
  return html;
}

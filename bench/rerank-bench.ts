/**
 * Offline cost and benefit of re-ranking (`npm run bench -- rerank`). The model the edge would
 * serve — by default the `serving_model` of the dataset's evaluation report
 * (`artifacts/<dataset>/evaluation.json`, with its tuned hyperparameters, exactly as `train` picks
 * it), else implicit ALS, the model `train` serves without a report — is fitted on the evaluate
 * protocol's split (random 75/25 by item) for each of several seeds (42, 43, …); each test user's
 * top 50 (training items removed) is re-ranked by the shared rules the edge runs — MMR over the
 * item vectors the edge would serve (the model's item factors: ALS item factors, or V√Σ of a
 * factorised model; shared/rerank/mmr.ts) and the category cap (shared/rerank/cap-in-window.ts) —
 * and the top 10 is scored: nDCG@10 and Precision@10 (what re-ranking costs), intra-list
 * diversity as 1 − mean pairwise cosine of those item vectors, distinct categories per list and
 * catalogue coverage (what it buys), and the CPU time per list. Every column is reported as
 * mean ± std over seeds, and the change against no re-ranking is measured within each seed (same
 * split, same model) and then averaged, so the cost reads as a ratio whose spread is the seed-
 * to-seed spread of that ratio, not of the absolute numbers.
 */
import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { rowIndices } from "../pipeline/data/interaction-matrix";
import type { Dataset } from "../pipeline/data/dataset";
import { loadDataset } from "../pipeline/data/load-dataset";
import { planEntry, withSeed } from "../pipeline/evaluate/evaluation-plan";
import { PROTOCOLS } from "../pipeline/evaluate/evaluation-protocol";
import type { EvaluationReport } from "../pipeline/evaluate/evaluation-report";
import { meanStd, type MeanStd } from "../pipeline/evaluate/seed-summary";
import { isServable, servingDimensions } from "../pipeline/evaluate/serving-model";
import { IMPLICIT_ALS_DEFAULTS } from "../pipeline/models/implicit-als";
import { createRecommender, describeSpec, type ModelSpec } from "../pipeline/models/model-spec";
import { factorRow } from "../pipeline/models/recommender";
import { normalizeInPlace, dot } from "../shared/math/vector";
import { catalogCoverage } from "../shared/metrics/catalog-coverage";
import { intraListDiversity } from "../shared/metrics/intra-list-diversity";
import { rankingMetrics } from "../shared/metrics/ranking-metrics";
import { capInWindow } from "../shared/rerank/cap-in-window";
import { mmr } from "../shared/rerank/mmr";
import type { RankedItem } from "../shared/rerank/ranked-item";

/** Which model produces the candidates and the item vectors. */
export type RerankBenchModel = "als" | "served";

/** Options of {@link runRerankBench}. */
export interface RerankBenchOptions {
  /** Dataset folder (event log, MovieLens 100k or MovieLens CSV). */
  data: string;
  /** First split and model seed (the evaluate protocol's first seed). */
  seed: number;
  /** Number of seeds: `seed`, `seed + 1`, …. */
  seeds: number;
  /**
   * `served`: the evaluation report's serving model (falls back to ALS, saying so, when the
   * dataset has no report); `als`: implicit ALS with `factors` and `iterations`.
   */
  model: RerankBenchModel;
  /** Evaluation report to take the served model from (default `artifacts/<dataset>/evaluation.json`). */
  evaluation?: string;
  /** Candidates per user handed to the re-rankers. */
  candidates: number;
  /** Cut-off of every metric. */
  k: number;
  /** ALS embedding size (ALS, or the fallback of `served`). */
  factors: number;
  /** ALS iterations (ALS, or the fallback of `served`). */
  iterations: number;
  /** Called with a progress line. */
  log: (line: string) => void;
}

/** Defaults: demo data, seeds 42–44, served model, top 50 → top 10, the `train` default ALS (32 factors, 15 iterations). */
export const RERANK_BENCH_DEFAULTS = {
  data: "data/demo",
  seed: 42,
  seeds: 3,
  model: "served",
  candidates: 50,
  k: 10,
  factors: IMPLICIT_ALS_DEFAULTS.factors,
  iterations: IMPLICIT_ALS_DEFAULTS.iterations,
  log: (line: string) => console.error(line),
} satisfies RerankBenchOptions;

/** Names of the compared re-ranking variants, in report order (the first is the baseline). */
export const RERANK_VARIANTS = ["none", "mmr-0.9", "mmr-0.7", "mmr-0.5", "category-cap-3/10", "mmr-0.7+category-cap-3/10"] as const;

/** One of {@link RERANK_VARIANTS}. */
export type RerankVariant = (typeof RERANK_VARIANTS)[number];

/** The measured columns of one variant. */
export interface RerankMetrics {
  ndcg: number;
  precision: number;
  /** Mean over lists of 1 − mean pairwise cosine of item vectors in the top k. */
  diversity: number;
  /** Mean distinct categories in the top k; null when the dataset has no categories. */
  categoriesPerList: number | null;
  /** Distinct recommended items / items with training interactions. */
  coverage: number;
  /** CPU microseconds per list spent re-ranking. */
  microsecondsPerList: number;
}

/** Columns with a relative change against no re-ranking. */
export type RerankRelativeKey = Exclude<keyof RerankMetrics, "microsecondsPerList">;

/** Every metric column, in report order. */
export const RERANK_METRIC_KEYS = [
  "ndcg",
  "precision",
  "diversity",
  "categoriesPerList",
  "coverage",
  "microsecondsPerList",
] as const satisfies readonly (keyof RerankMetrics)[];

/** The columns with a relative change, in report order. */
export const RERANK_RELATIVE_KEYS = [
  "ndcg",
  "precision",
  "diversity",
  "categoriesPerList",
  "coverage",
] as const satisfies readonly RerankRelativeKey[];

/** One variant on one seed, with its change relative to no re-ranking on the same seed. */
export interface RerankSeedRow extends RerankMetrics {
  variant: RerankVariant;
  /** (variant − none) / none per column on this seed; null where none is 0 or the column is absent. */
  relative: Record<RerankRelativeKey, number | null>;
}

/** The measurement of one seed (one split, one fitted model). */
export interface RerankSeedResult {
  seed: number;
  /** Test users re-ranked on this seed. */
  users: number;
  /** CPU seconds of the model fit. */
  fitSeconds: number;
  rows: RerankSeedRow[];
}

/** One variant over all seeds. */
export interface RerankAggregateRow {
  variant: RerankVariant;
  /** Mean ± sample std over seeds per column; null when the column is absent. */
  metrics: Record<keyof RerankMetrics, MeanStd | null>;
  /** Mean ± sample std over seeds of the per-seed relative change vs `none`; null when absent on any seed. */
  relative: Record<RerankRelativeKey, MeanStd | null>;
}

/**
 * One variant in the single-run shape of earlier versions: each column is the mean over seeds and
 * `relative` the mean over seeds of the per-seed relative change (with one seed: the seed's numbers).
 */
export interface RerankVariantRow extends RerankMetrics {
  variant: RerankVariant;
  relative: Record<RerankRelativeKey, number | null>;
}

/** The model the benchmark fitted and where it came from. */
export interface RerankModelInfo {
  /** What was asked for (`--model`). */
  requested: RerankBenchModel;
  /** What was fitted: `served` (the report's serving model) or `als` (asked for, or the fallback). */
  used: RerankBenchModel;
  /** Report key (`ease+implicit-als@32d`, `implicit-als`). */
  key: string;
  /** Model class name (`factorized`, `implicit-als`). */
  name: string;
  spec: ModelSpec;
  description: string;
  /** Size of the item vectors used for MMR and diversity (the served vectors). */
  factors: number;
  /** ALS iterations (null for other models). */
  iterations: number | null;
  /** Where the model came from, or why `served` fell back to ALS. */
  source: string;
  /** Mean CPU seconds per fit. */
  fitSeconds: number;
}

/** The benchmark result. */
export interface RerankBenchResult {
  dataset: string;
  protocol: string;
  /** First seed. */
  seed: number;
  seeds: number[];
  model: RerankModelInfo;
  /** Test users per seed, averaged (rounded). */
  users: number;
  candidates: number;
  k: number;
  /** Means over seeds (see {@link RerankVariantRow}). */
  rows: RerankVariantRow[];
  /** Mean ± std over seeds of every column and of the per-seed relative changes. */
  aggregate: RerankAggregateRow[];
  perSeed: RerankSeedResult[];
}

/** Runs the benchmark. */
export async function runRerankBench(options: Partial<RerankBenchOptions> = {}): Promise<RerankBenchResult> {
  const opts = { ...RERANK_BENCH_DEFAULTS, ...options } satisfies RerankBenchOptions;
  if (opts.model !== "als" && opts.model !== "served") throw new Error(`model must be als or served, got ${String(opts.model)}`);
  if (!(await exists(opts.data))) {
    const hint = opts.data === RERANK_BENCH_DEFAULTS.data ? " (generate it with `npm run pipeline -- generate`)" : "";
    throw new Error(`no dataset at ${opts.data}${hint}`);
  }
  opts.log(`loading ${opts.data}`);
  const dataset = await loadDataset(opts.data);
  const chosen = await chooseModel(opts, dataset.name);
  opts.log(`model: ${chosen.key} — ${chosen.source}`);
  const protocol = PROTOCOLS["random-by-item"];
  const seeds = Array.from({ length: opts.seeds }, (_, i) => opts.seed + i);
  const perSeed: RerankSeedResult[] = [];
  for (const seed of seeds) perSeed.push(runSeed(dataset, chosen.spec, seed, opts));
  const aggregate = aggregateRerankSeeds(perSeed);
  const fit = meanStd(perSeed.map((s) => s.fitSeconds));
  return {
    dataset: dataset.name,
    protocol: protocol.description,
    seed: opts.seed,
    seeds,
    model: {
      requested: opts.model,
      used: chosen.used,
      key: chosen.key,
      name: chosen.name,
      spec: chosen.spec,
      description: describeSpec(chosen.spec),
      factors: servingDimensions(chosen.spec),
      iterations: chosen.spec.model === "implicit-als" ? (chosen.spec.options.iterations ?? IMPLICIT_ALS_DEFAULTS.iterations) : null,
      source: chosen.source,
      fitSeconds: fit.mean,
    },
    users: Math.round(meanStd(perSeed.map((s) => s.users)).mean),
    candidates: opts.candidates,
    k: opts.k,
    rows: aggregate.map(meanRow),
    aggregate,
    perSeed,
  };
}

/** The model to fit: the report's serving model for `served` when there is a report, else ALS. */
async function chooseModel(
  opts: RerankBenchOptions,
  datasetName: string,
): Promise<{ used: RerankBenchModel; key: string; name: string; spec: ModelSpec; source: string }> {
  const als: ModelSpec = {
    model: "implicit-als",
    options: { ...IMPLICIT_ALS_DEFAULTS, factors: opts.factors, iterations: opts.iterations },
  };
  const alsChoice = (source: string) => ({ used: "als" as const, key: "implicit-als", name: "implicit-als", spec: als, source });
  if (opts.model === "als") return alsChoice("implicit ALS (--model als)");
  const reportPath = opts.evaluation ?? join("artifacts", datasetName, "evaluation.json");
  if (!(await exists(reportPath))) {
    if (opts.evaluation !== undefined) throw new Error(`no evaluation report at ${reportPath}`);
    return alsChoice(
      `FALLBACK to implicit ALS: no evaluation report at ${reportPath} (run \`npm run pipeline -- evaluate\` to serve its model)`,
    );
  }
  const report = JSON.parse(await readFile(reportPath, "utf8")) as Partial<EvaluationReport>;
  if (!report.plan || !report.serving_model) throw new Error(`${reportPath} is not an evaluation report (no plan / serving_model)`);
  const spec = planEntry(report.plan, report.serving_model).spec;
  if (!isServable(spec)) throw new Error(`${report.serving_model} in ${reportPath} has no vectors to serve`);
  const note = report.dataset !== undefined && report.dataset !== datasetName ? ` (note: it evaluated "${report.dataset}")` : "";
  return { used: "served", key: report.serving_model, name: spec.model, spec, source: `serving model of ${reportPath}${note}` };
}

/** One seed: split, fit, candidates, every variant measured. */
function runSeed(dataset: Dataset, baseSpec: ModelSpec, seed: number, opts: RerankBenchOptions): RerankSeedResult {
  const split = PROTOCOLS["random-by-item"].split(dataset.interactions, seed);
  const spec = withSeed(baseSpec, seed);
  opts.log(`seed ${seed}: fitting ${describeSpec(spec)} on ${split.train.indices.length} training interactions`);
  const model = createRecommender(spec);
  const fitStart = process.cpuUsage();
  model.fit(split.train);
  const fitSeconds = cpuSeconds(fitStart);
  const factors = model.factors;
  if (!factors) throw new Error(`${model.name} has no item vectors`);
  // The vectors the edge serves for this model (ALS item factors, V√Σ of a factorised model).
  const itemVectors = Array.from({ length: split.train.cols }, (_, item) => Array.from(factorRow(factors.items, factors.dimensions, item)));
  const unitVectors = itemVectors.map((vector) => normalizeInPlace([...vector]));
  const categories = dataset.items.items.map((item) => item.category || undefined);
  const hasCategories = categories.some((category) => category !== undefined);

  const candidates = new Map<number, RankedItem[]>();
  const truth = new Map<number, Set<number>>();
  for (const user of split.testUsers) {
    const ranked = model.recommend(user, opts.candidates, rowIndices(split.train, user));
    candidates.set(
      user,
      ranked.map(({ index, score }) => ({
        itemId: String(index),
        score,
        source: "ann",
        vector: itemVectors[index]!,
        ...(categories[index] !== undefined ? { category: categories[index] } : {}),
      })),
    );
    truth.set(user, new Set(rowIndices(split.test, user)));
  }
  const trainItems = new Set(split.train.indices).size;
  const reranked: Record<RerankVariant, (items: RankedItem[]) => RankedItem[]> = {
    none: (items) => items,
    "mmr-0.9": (items) => mmr(items, { lambda: 0.9, k: opts.k }),
    "mmr-0.7": (items) => mmr(items, { lambda: 0.7, k: opts.k }),
    "mmr-0.5": (items) => mmr(items, { lambda: 0.5, k: opts.k }),
    "category-cap-3/10": (items) => capInWindow(items, { key: (item) => item.category, max: 3, window: opts.k }),
    "mmr-0.7+category-cap-3/10": (items) =>
      capInWindow(mmr(items, { lambda: 0.7, k: opts.k }), { key: (item) => item.category, max: 3, window: opts.k }),
  };

  const measured = RERANK_VARIANTS.map((variant): [RerankVariant, RerankMetrics] => {
    const lists = new Map<number, Int32Array>();
    const start = process.cpuUsage();
    for (const [user, items] of candidates) {
      lists.set(
        user,
        Int32Array.from(reranked[variant](items).slice(0, opts.k), (item) => Number(item.itemId)),
      );
    }
    const microsecondsPerList = (cpuSeconds(start) * 1e6) / Math.max(1, candidates.size);
    const accuracy = rankingMetrics(lists, truth, opts.k);
    const all = [...lists.values()];
    const metrics: RerankMetrics = {
      ndcg: accuracy.ndcg,
      precision: accuracy.precision,
      diversity: intraListDiversity(all, (a, b) => dot(unitVectors[a]!, unitVectors[b]!)),
      categoriesPerList: hasCategories
        ? all.reduce((sum, list) => sum + new Set(Array.from(list, (item) => categories[item])).size, 0) / all.length
        : null,
      coverage: catalogCoverage(all, trainItems),
      microsecondsPerList,
    };
    opts.log(`seed ${seed} ${variant}: nDCG@${opts.k} ${metrics.ndcg.toFixed(4)}, diversity ${metrics.diversity.toFixed(4)}`);
    return [variant, metrics];
  });
  return { seed, users: candidates.size, fitSeconds, rows: withRelativeChange(measured) };
}

/** Adds to each variant its relative change against the first (`none`) on the same seed. */
export function withRelativeChange(measured: readonly (readonly [RerankVariant, RerankMetrics])[]): RerankSeedRow[] {
  const baseline = measured[0]![1];
  const change = (value: number | null, base: number | null) =>
    value === null || base === null || base === 0 ? null : (value - base) / base;
  return measured.map(([variant, metrics]) => ({
    variant,
    ...metrics,
    relative: Object.fromEntries(RERANK_RELATIVE_KEYS.map((key) => [key, change(metrics[key], baseline[key])])) as Record<
      RerankRelativeKey,
      number | null
    >,
  }));
}

/**
 * Mean ± sample std over seeds of every column and of every per-seed relative change, per variant
 * (variants in the order of the first seed). A column absent (null) on any seed is null.
 */
export function aggregateRerankSeeds(perSeed: readonly RerankSeedResult[]): RerankAggregateRow[] {
  if (perSeed.length === 0) throw new Error("no seeds to aggregate");
  const summarise = (values: (number | null)[]): MeanStd | null => (values.some((v) => v === null) ? null : meanStd(values as number[]));
  return perSeed[0]!.rows.map(({ variant }) => {
    const rows = perSeed.map((seed) => {
      const row = seed.rows.find((r) => r.variant === variant);
      if (!row) throw new Error(`seed ${seed.seed} has no ${variant} row`);
      return row;
    });
    return {
      variant,
      metrics: Object.fromEntries(
        RERANK_METRIC_KEYS.map((key) => [key, summarise(rows.map((r) => r[key]))]),
      ) as RerankAggregateRow["metrics"],
      relative: Object.fromEntries(
        RERANK_RELATIVE_KEYS.map((key) => [key, summarise(rows.map((r) => r.relative[key]))]),
      ) as RerankAggregateRow["relative"],
    };
  });
}

/** The single-run shape of an aggregate row: the means. */
function meanRow(row: RerankAggregateRow): RerankVariantRow {
  const mean = (value: MeanStd | null) => (value === null ? null : value.mean);
  return {
    variant: row.variant,
    ndcg: row.metrics.ndcg!.mean,
    precision: row.metrics.precision!.mean,
    diversity: row.metrics.diversity!.mean,
    categoriesPerList: mean(row.metrics.categoriesPerList),
    coverage: row.metrics.coverage!.mean,
    microsecondsPerList: row.metrics.microsecondsPerList!.mean,
    relative: Object.fromEntries(RERANK_RELATIVE_KEYS.map((key) => [key, mean(row.relative[key])])) as RerankVariantRow["relative"],
  };
}

/**
 * The result as plain text: the model line, mean ± std over seeds per column, then the per-seed
 * change against no re-ranking as mean ± std over seeds.
 */
export function formatRerankTable(result: RerankBenchResult): string[] {
  const k = result.k;
  const columns: [RerankRelativeKey, string, number][] = [
    ["ndcg", `nDCG@${k}`, 4],
    ["precision", `P@${k}`, 4],
    ["diversity", "ILD (1−cos)", 4],
    ["categoriesPerList", `categories/top${k}`, 2],
    ["coverage", "coverage", 4],
  ];
  const width = 21;
  const cell = (value: MeanStd | null, digits: number) =>
    (value === null ? "n/a" : `${value.mean.toFixed(digits)} ± ${value.std.toFixed(digits)}`).padEnd(width);
  const percent = (value: MeanStd | null) => {
    if (value === null) return "n/a".padEnd(width);
    const sign = value.mean >= 0 ? "+" : "";
    return `${sign}${(value.mean * 100).toFixed(1)}% ± ${(value.std * 100).toFixed(1)}`.padEnd(width);
  };
  const n = result.seeds.length;
  const model = result.model;
  const header = ["variant".padEnd(28), ...columns.map(([, name]) => name.padEnd(width)), "µs/list"].join("");
  const relativeHeader = ["variant".padEnd(28), ...columns.map(([, name]) => `Δ ${name}`.padEnd(width))].join("");
  const lines = [
    `${result.dataset}: model ${model.key} (${model.used === "served" ? "served" : "ALS"}; ${model.factors}-d item vectors) — ${model.source}`,
    `${result.protocol}; seeds ${result.seeds.join(", ")}; ~${result.users} test users per seed; top ${result.candidates} → top ${k}; fit ${model.fitSeconds.toFixed(1)} CPU s per seed`,
    "",
    `mean ± std over ${n} seed${n === 1 ? "" : "s"}`,
    header,
    "-".repeat(header.length),
  ];
  for (const row of result.aggregate) {
    lines.push(
      [
        row.variant.padEnd(28),
        ...columns.map(([key, , digits]) => cell(row.metrics[key], digits)),
        cell(row.metrics.microsecondsPerList, 1),
      ].join(""),
    );
  }
  lines.push(
    "",
    `change vs none within each seed, mean ± std over ${n} seed${n === 1 ? "" : "s"} (percentage points of the ratio)`,
    relativeHeader,
    "-".repeat(relativeHeader.length),
  );
  for (const row of result.aggregate.slice(1)) {
    lines.push([row.variant.padEnd(28), ...columns.map(([key]) => percent(row.relative[key]))].join(""));
  }
  return lines.map((line) => line.trimEnd());
}

function cpuSeconds(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1e6;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

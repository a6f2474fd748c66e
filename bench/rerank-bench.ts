/**
 * Offline cost and benefit of re-ranking (`npm run bench -- rerank`): implicit ALS (the model
 * `train` serves without an evaluation report) is fitted on the evaluate protocol's split (random
 * 75/25 by item, seed 42); each test user's top 50 (training items removed) is re-ranked by the
 * shared rules the edge runs — MMR over the item vectors (shared/rerank/mmr.ts) and the category
 * cap (shared/rerank/cap-in-window.ts) — and the top 10 is scored: nDCG@10 and Precision@10 (what
 * re-ranking costs), intra-list diversity as 1 − mean pairwise cosine of the item vectors,
 * distinct categories per list and catalogue coverage (what it buys), and the CPU time per list.
 */
import { rowIndices } from "../pipeline/data/interaction-matrix";
import { loadDataset } from "../pipeline/data/load-dataset";
import { PROTOCOLS } from "../pipeline/evaluate/evaluation-protocol";
import { IMPLICIT_ALS_DEFAULTS, ImplicitAls } from "../pipeline/models/implicit-als";
import { factorRow } from "../pipeline/models/recommender";
import { normalizeInPlace, dot } from "../shared/math/vector";
import { catalogCoverage } from "../shared/metrics/catalog-coverage";
import { intraListDiversity } from "../shared/metrics/intra-list-diversity";
import { rankingMetrics } from "../shared/metrics/ranking-metrics";
import { capInWindow } from "../shared/rerank/cap-in-window";
import { mmr } from "../shared/rerank/mmr";
import type { RankedItem } from "../shared/rerank/ranked-item";

/** Options of {@link runRerankBench}. */
export interface RerankBenchOptions {
  /** Dataset folder (event log, MovieLens 100k or MovieLens CSV). */
  data: string;
  /** Split seed (the evaluate protocol's first seed). */
  seed: number;
  /** Candidates per user handed to the re-rankers. */
  candidates: number;
  /** Cut-off of every metric. */
  k: number;
  factors: number;
  iterations: number;
  /** Called with a progress line. */
  log: (line: string) => void;
}

/** Defaults: demo data, seed 42, top 50 → top 10, the `train` default ALS (32 factors, 15 iterations). */
export const RERANK_BENCH_DEFAULTS = {
  data: "data/demo",
  seed: 42,
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

/** One variant with its change relative to no re-ranking. */
export interface RerankVariantRow extends RerankMetrics {
  variant: RerankVariant;
  /** (variant − none) / none per column; null where none is 0 or the column is absent. */
  relative: Record<Exclude<keyof RerankMetrics, "microsecondsPerList">, number | null>;
}

/** The benchmark result. */
export interface RerankBenchResult {
  dataset: string;
  protocol: string;
  seed: number;
  model: { name: string; factors: number; iterations: number; fitSeconds: number };
  users: number;
  candidates: number;
  k: number;
  rows: RerankVariantRow[];
}

/** Runs the benchmark. */
export async function runRerankBench(options: Partial<RerankBenchOptions> = {}): Promise<RerankBenchResult> {
  const opts = { ...RERANK_BENCH_DEFAULTS, ...options } satisfies RerankBenchOptions;
  opts.log(`loading ${opts.data}`);
  const dataset = await loadDataset(opts.data);
  const protocol = PROTOCOLS["random-by-item"];
  const split = protocol.split(dataset.interactions, opts.seed);
  opts.log(`fitting implicit ALS (${opts.factors} factors, ${opts.iterations} iterations) on ${split.train.indices.length} training interactions`);
  const model = new ImplicitAls({ factors: opts.factors, iterations: opts.iterations, seed: opts.seed });
  const fitStart = process.cpuUsage();
  model.fit(split.train);
  const fitSeconds = cpuSeconds(fitStart);
  const factors = model.factors!;
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
      lists.set(user, Int32Array.from(reranked[variant](items).slice(0, opts.k), (item) => Number(item.itemId)));
    }
    const microsecondsPerList = (cpuSeconds(start) * 1e6) / Math.max(1, candidates.size);
    const accuracy = rankingMetrics(lists, truth, opts.k);
    const all = [...lists.values()];
    const metrics: RerankMetrics = {
      ndcg: accuracy.ndcg,
      precision: accuracy.precision,
      diversity: intraListDiversity(all, (a, b) => dot(unitVectors[a]!, unitVectors[b]!)),
      categoriesPerList: hasCategories ? all.reduce((sum, list) => sum + new Set(Array.from(list, (item) => categories[item])).size, 0) / all.length : null,
      coverage: catalogCoverage(all, trainItems),
      microsecondsPerList,
    };
    opts.log(`${variant}: nDCG@${opts.k} ${metrics.ndcg.toFixed(4)}, diversity ${metrics.diversity.toFixed(4)}`);
    return [variant, metrics];
  });
  const baseline = measured[0]![1];
  const change = (value: number | null, base: number | null) => (value === null || base === null || base === 0 ? null : (value - base) / base);
  return {
    dataset: dataset.name,
    protocol: protocol.description,
    seed: opts.seed,
    model: { name: model.name, factors: opts.factors, iterations: opts.iterations, fitSeconds },
    users: candidates.size,
    candidates: opts.candidates,
    k: opts.k,
    rows: measured.map(([variant, metrics]) => ({
      variant,
      ...metrics,
      relative: {
        ndcg: change(metrics.ndcg, baseline.ndcg),
        precision: change(metrics.precision, baseline.precision),
        diversity: change(metrics.diversity, baseline.diversity),
        categoriesPerList: change(metrics.categoriesPerList, baseline.categoriesPerList),
        coverage: change(metrics.coverage, baseline.coverage),
      },
    })),
  };
}

/** The result as a plain-text table: value and relative change vs no re-ranking per column. */
export function formatRerankTable(result: RerankBenchResult): string[] {
  const k = result.k;
  const columns: [keyof RerankVariantRow["relative"], string, number][] = [
    ["ndcg", `nDCG@${k}`, 4],
    ["precision", `P@${k}`, 4],
    ["diversity", "ILD (1−cos)", 4],
    ["categoriesPerList", `categories/top${k}`, 2],
    ["coverage", "coverage", 4],
  ];
  const header = ["variant".padEnd(28), ...columns.map(([, name]) => name.padEnd(20)), "µs/list"].join("");
  const lines = [
    `${result.dataset}: ${result.model.name} ${result.model.factors} factors, seed ${result.seed}, ${result.users} test users, top ${result.candidates} → top ${k}`,
    header,
    "-".repeat(header.length),
  ];
  for (const row of result.rows) {
    const cells = columns.map(([key, , digits]) => {
      const value = row[key];
      if (value === null) return "n/a".padEnd(20);
      const relative = row.relative[key];
      const delta = row.variant === "none" || relative === null ? "" : ` (${relative >= 0 ? "+" : ""}${(relative * 100).toFixed(1)}%)`;
      return `${value.toFixed(digits)}${delta}`.padEnd(20);
    });
    lines.push([row.variant.padEnd(28), ...cells, row.microsecondsPerList.toFixed(1)].join(""));
  }
  return lines;
}

function cpuSeconds(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1e6;
}

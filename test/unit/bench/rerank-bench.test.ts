import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  aggregateRerankSeeds,
  formatRerankTable,
  runRerankBench,
  withRelativeChange,
  type RerankBenchResult,
  type RerankMetrics,
  type RerankSeedResult,
  type RerankVariant,
} from "../../../bench/rerank-bench";
import { writeDemoDataset } from "../../../pipeline/generate/write-demo-dataset";

const metrics = (ndcg: number, diversity: number, categoriesPerList: number | null = 4): RerankMetrics => ({
  ndcg,
  precision: ndcg / 2,
  diversity,
  categoriesPerList,
  coverage: 0.5,
  microsecondsPerList: 10,
});

const seedResult = (seed: number, rows: [RerankVariant, RerankMetrics][]): RerankSeedResult => ({
  seed,
  users: 100,
  fitSeconds: 1,
  rows: withRelativeChange(rows),
});

describe("withRelativeChange", () => {
  it("measures each variant against the first row of the same seed, null where the baseline is 0 or absent", () => {
    const rows = withRelativeChange([
      ["none", { ...metrics(0.2, 0.5), coverage: 0 }],
      ["mmr-0.7", { ...metrics(0.15, 0.6), coverage: 0.3 }],
      ["category-cap-3/10", metrics(0.2, 0.5, null)],
    ]);
    expect(rows[0]!.relative.ndcg).toBe(0);
    expect(rows[1]!.relative.ndcg).toBeCloseTo(-0.25, 12);
    expect(rows[1]!.relative.diversity).toBeCloseTo(0.2, 12);
    expect(rows[1]!.relative.coverage).toBeNull();
    expect(rows[2]!.relative.categoriesPerList).toBeNull();
  });
});

describe("aggregateRerankSeeds", () => {
  // Seed 42: none 0.2 → mmr 0.1 (−50%); seed 43: none 0.4 → mmr 0.3 (−25%); seed 44: none 0.3 → mmr 0.24 (−20%).
  const perSeed = [
    seedResult(42, [
      ["none", metrics(0.2, 0.5)],
      ["mmr-0.7", metrics(0.1, 0.6)],
    ]),
    seedResult(43, [
      ["none", metrics(0.4, 0.5)],
      ["mmr-0.7", metrics(0.3, 0.7, null)],
    ]),
    seedResult(44, [
      ["none", metrics(0.3, 0.5)],
      ["mmr-0.7", metrics(0.24, 0.8)],
    ]),
  ];
  const [none, mmr] = aggregateRerankSeeds(perSeed);

  it("reports the sample mean and std over seeds of every column", () => {
    expect(none!.variant).toBe("none");
    expect(none!.metrics.ndcg!.mean).toBeCloseTo(0.3, 12);
    expect(none!.metrics.ndcg!.std).toBeCloseTo(0.1, 12); // sample std (n − 1) of 0.2, 0.3, 0.4
    expect(none!.metrics.diversity).toEqual({ mean: 0.5, std: 0 });
    expect(mmr!.metrics.ndcg!.mean).toBeCloseTo(0.64 / 3, 12);
    expect(mmr!.metrics.diversity!.mean).toBeCloseTo(0.7, 12);
    expect(mmr!.metrics.diversity!.std).toBeCloseTo(0.1, 12);
    expect(mmr!.metrics.precision!.mean).toBeCloseTo(0.32 / 3, 12);
  });

  it("averages the per-seed relative change, not the change of the means", () => {
    // Mean of −0.5, −0.25, −0.2 is −0.3167 (the ratio of the means would be −0.2889).
    expect(mmr!.relative.ndcg!.mean).toBeCloseTo(-0.95 / 3, 12);
    const mean = -0.95 / 3;
    const std = Math.sqrt(((-0.5 - mean) ** 2 + (-0.25 - mean) ** 2 + (-0.2 - mean) ** 2) / 2);
    expect(mmr!.relative.ndcg!.std).toBeCloseTo(std, 12);
    expect(mmr!.relative.diversity!.mean).toBeCloseTo(0.4, 12);
    expect(none!.relative.ndcg).toEqual({ mean: 0, std: 0 });
  });

  it("is null for a column absent on any seed, and a single seed has std 0", () => {
    expect(mmr!.metrics.categoriesPerList).toBeNull();
    expect(mmr!.relative.categoriesPerList).toBeNull();
    expect(none!.metrics.categoriesPerList).toEqual({ mean: 4, std: 0 });
    const [single] = aggregateRerankSeeds(perSeed.slice(1, 2));
    expect(single!.metrics.ndcg).toEqual({ mean: 0.4, std: 0 });
    expect(() => aggregateRerankSeeds([])).toThrow(/no seeds/);
  });
});

describe("runRerankBench", () => {
  let root: string;
  const quiet = { log: () => {}, factors: 6, iterations: 3, candidates: 20 };
  let als: RerankBenchResult;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "rerank-bench-"));
    await writeDemoDataset(join(root, "data"), { items: 200, users: 120, days: 20, name: "rerank-tiny" });
    als = await runRerankBench({ ...quiet, data: join(root, "data"), seeds: 2, model: "served" });
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("runs one split per seed and aggregates them", () => {
    expect(als.seeds).toEqual([42, 43]);
    expect(als.perSeed.map((s) => s.seed)).toEqual([42, 43]);
    expect(als.aggregate.map((row) => row.variant)).toEqual(als.perSeed[0]!.rows.map((row) => row.variant));
    const ndcg = als.perSeed.map((s) => s.rows[2]!.ndcg);
    const mean = (ndcg[0]! + ndcg[1]!) / 2;
    expect(als.aggregate[2]!.metrics.ndcg!.mean).toBeCloseTo(mean, 12);
    expect(als.aggregate[2]!.metrics.ndcg!.std).toBeCloseTo(Math.abs(ndcg[0]! - ndcg[1]!) / Math.SQRT2, 12);
    // The single-run keys hold the means.
    expect(als.rows[2]!.ndcg).toBeCloseTo(mean, 12);
    const relative = als.perSeed.map((s) => s.rows[2]!.relative.ndcg!);
    expect(als.rows[2]!.relative.ndcg).toBeCloseTo((relative[0]! + relative[1]!) / 2, 12);
  });

  it("falls back to ALS without an evaluation report and says so", () => {
    expect(als.model).toMatchObject({ requested: "served", used: "als", key: "implicit-als", factors: 6, iterations: 3 });
    expect(als.model.source).toMatch(/FALLBACK to implicit ALS: no evaluation report at .*rerank-tiny.*evaluation\.json/);
    expect(formatRerankTable(als)[0]).toMatch(/model implicit-als \(ALS; 6-d item vectors\) — FALLBACK/);
  });

  it("serves the report's serving model and uses its item vectors", async () => {
    const spec = { model: "factorized", source: { model: "implicit-als", options: { factors: 8, iterations: 3 } }, options: { rank: 5 } };
    const report = join(root, "evaluation.json");
    await writeFile(
      report,
      JSON.stringify({
        dataset: "rerank-tiny",
        serving_model: "implicit-als@5d",
        plan: { entries: [{ key: "implicit-als@5d", spec, servable: true }], serving: "implicit-als@5d" },
      }),
    );
    const served = await runRerankBench({ ...quiet, data: join(root, "data"), seeds: 1, evaluation: report });
    expect(served.model).toMatchObject({
      requested: "served",
      used: "served",
      key: "implicit-als@5d",
      name: "factorized",
      factors: 5,
      iterations: null,
    });
    expect(served.model.source).toContain(report);
    expect(served.aggregate[0]!.metrics.ndcg!.std).toBe(0);
    // Diversity is measured on the factorised model's own vectors, not the fallback ALS ones.
    expect(served.perSeed[0]!.rows[0]!.diversity).not.toBeCloseTo(als.perSeed[0]!.rows[0]!.diversity, 6);
    await expect(runRerankBench({ ...quiet, data: join(root, "data"), evaluation: join(root, "missing.json") })).rejects.toThrow(
      /no evaluation report/,
    );
  });
});

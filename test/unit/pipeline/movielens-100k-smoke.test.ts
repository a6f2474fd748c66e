import { describe, expect, it } from "vitest";
import { loadDataset } from "../../../pipeline/data/load-dataset";
import { evaluateRecommender } from "../../../pipeline/evaluate/evaluate-recommender";
import { PROTOCOLS } from "../../../pipeline/evaluate/evaluation-protocol";
import { buildEvaluationReport } from "../../../pipeline/evaluate/evaluation-report";
import { formatResultsTable } from "../../../pipeline/evaluate/format-results-table";
import { isMovielens100k, MOVIELENS_100K_PUBLISHED } from "../../../pipeline/evaluate/published-benchmarks";
import { describeServing } from "../../../pipeline/evaluate/serving-model";
import { Ease } from "../../../pipeline/models/ease";
import { HAS_ML100K, ML100K } from "./ml-100k-path";

describe.skipIf(!HAS_ML100K)("MovieLens 100k smoke test, one seed (needs ../shared/data/ml-100k)", () => {
  it("EASE beats the best published row on the published protocol (seed 42)", async () => {
    const dataset = await loadDataset(ML100K);
    expect(isMovielens100k(dataset.format, dataset.users.ids.size, dataset.items.ids.size, dataset.events.length)).toBe(true);
    const split = PROTOCOLS["random-by-item"].split(dataset.interactions, 42);
    expect(split.train.indices.length).toBe(75_066);
    const ease = new Ease({ lambda: 400 });
    ease.fit(split.train);
    const quality = evaluateRecommender(ease, split, { accuracyOnly: true });
    expect(quality.users).toBe(941);
    expect(quality.ndcg).toBeGreaterThan(0.475);
    expect(quality.map).toBeGreaterThan(0.146);
  });
});

describe("results table", () => {
  it("prints our rows as mean ± std, marks the serving model and lists the published rows", () => {
    const run = {
      k: 10,
      users: 5,
      precision: 0.4,
      recall: 0.2,
      ndcg: 0.5,
      map: 0.15,
      hitRate: 1,
      coverage: 0.2,
      longTailShare: 0.25,
      longTailCoverage: 0.125,
      novelty: 2,
      diversity: 0.6,
      itemCounts: new Int32Array(0),
      fitSeconds: 1,
      evaluateSeconds: 0,
    };
    const spec = { model: "implicit-als", options: { factors: 8 } } as const;
    const report = buildEvaluationReport({
      dataset: "ml-100k",
      protocol: PROTOCOLS["random-by-item"],
      k: 10,
      plan: { entries: [{ key: "implicit-als", spec, servable: true }], serving: "implicit-als" },
      serving: describeServing("implicit-als", spec),
      seeds: [
        { seed: 42, testUsers: 5, runs: { "implicit-als": run }, seconds: 1 },
        { seed: 43, testUsers: 5, runs: { "implicit-als": { ...run, ndcg: 0.3 } }, seconds: 1 },
      ],
      tuning: null,
      references: MOVIELENS_100K_PUBLISHED,
      datasetStats: { users: 1, items: 1, interactions: 1, skipped_lines: 0 },
      timing: { total_seconds: 1, load_seconds: 0, tuning_seconds: 0 },
      generatedAt: new Date(0),
    });
    expect(report.models["implicit-als"]).toMatchObject({
      "nDCG@10": 0.4,
      MAP: 0.15,
      "nDCG@10_std": Number(Math.sqrt(0.02).toPrecision(6)),
    });
    const lines = formatResultsTable(report);
    expect(lines[0]).toMatch(
      /^model +MAP +nDCG@10 +Precision@10 +Recall@10 +coverage +long_tail +tail_coverage +novelty +diversity +fit s$/,
    );
    expect(lines.find((l) => l.startsWith("* implicit-als"))).toMatch(
      /0\.1500 ± 0\.0000 +0\.4000 ± 0\.1414 .* 0\.200 +0\.250 +0\.125 +2\.000 +0\.600 +1\.0$/,
    );
    expect(report.models["implicit-als"]).toMatchObject({ long_tail: 0.25, tail_coverage: 0.125 });
    expect(lines.some((l) => /^ +BiVAE \(published\) +0\.146 +0\.475 +0\.412 +0\.219$/.test(l))).toBe(true);
  });
});

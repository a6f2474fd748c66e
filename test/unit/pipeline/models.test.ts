import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildInteractionMatrix, rowIndices, type InteractionMatrix } from "../../../pipeline/data/interaction-matrix";
import { Ease } from "../../../pipeline/models/ease";
import { FactorizedRecommender } from "../../../pipeline/models/factorized-recommender";
import { ImplicitAls } from "../../../pipeline/models/implicit-als";
import { ItemKnn } from "../../../pipeline/models/item-knn";
import { createRecommender, describeSpec, loadRecommender, type ModelSpec } from "../../../pipeline/models/model-spec";
import { Popularity } from "../../../pipeline/models/popularity";
import type { Recommender } from "../../../pipeline/models/recommender";
import { readSavedModel, writeSavedModel } from "../../../pipeline/models/saved-model";
import { ScoreBlend } from "../../../pipeline/models/score-blend";
import { BLOCK_SIZE, blockOf, twoBlockMatrix } from "./block-fixture";

const binary = (shape: { rows: number; cols: number }, pairs: [number, number][]): InteractionMatrix =>
  buildInteractionMatrix(shape, { rows: pairs.map((p) => p[0]), cols: pairs.map((p) => p[1]), confidence: pairs.map(() => 1) });

/** u0 {0, 1}, u1 {0, 1, 2}, u2 {2}: every item has two users; co(0,1) = 2, co(0,2) = co(1,2) = 1. */
const triangle = binary({ rows: 3, cols: 3 }, [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
  [1, 2],
  [2, 2],
]);

function expectBlockRecommendations(model: Recommender, matrix: InteractionMatrix): void {
  for (let u = 0; u < matrix.rows; u++) {
    const seen = new Set(rowIndices(matrix, u));
    const recs = model.recommend(u, 3, seen);
    expect(recs).toHaveLength(3);
    for (const rec of recs) {
      expect(blockOf(rec.index), `user ${u} got item ${rec.index}`).toBe(blockOf(u));
      expect(seen.has(rec.index)).toBe(false);
    }
  }
}

describe("ItemKnn", () => {
  it("scores with the shrunk cosine of item user-sets (hand-computed)", () => {
    const knn = new ItemKnn({ neighbours: 5, shrinkage: 0 });
    knn.fit(triangle);
    // sim(0,1) = 2/√(2·2) = 1, sim(0,2) = sim(1,2) = 1/2.
    expect(knn.similarItems(0, 2)).toEqual([
      { index: 1, score: 1 },
      { index: 2, score: 0.5 },
    ]);
    expect(Array.from(knn.scoreItems(2))).toEqual([0.5, 0.5, 0]);
    expect(Array.from(knn.scoreItems(0))).toEqual([1, 1, 1]);
    const shrunk = new ItemKnn({ neighbours: 5, shrinkage: 2 });
    shrunk.fit(triangle);
    expect(shrunk.similarItems(0, 1)).toEqual([{ index: 1, score: 0.5 }]);
  });

  it("keeps only the top neighbours and stays inside a user's block", () => {
    const matrix = twoBlockMatrix();
    const knn = new ItemKnn({ neighbours: 1 });
    knn.fit(matrix);
    for (let i = 0; i < matrix.cols; i++) expect(knn.similarItems(i, 5).length).toBeLessThanOrEqual(1);
    const full = new ItemKnn();
    full.fit(matrix);
    expectBlockRecommendations(full, matrix);
  });
});

describe("Ease", () => {
  it("solves B = I − P·diag(1/diag P) in closed form (hand-computed 2-item case)", () => {
    // X = {u0: 0 1, u1: 0, u2: 1}: G = [[2,1],[1,2]], λ = 1 → P = ⅛[[3,−1],[−1,3]], B₀₁ = B₁₀ = 1/3.
    const ease = new Ease({ lambda: 1 });
    ease.fit(
      binary({ rows: 3, cols: 2 }, [
        [0, 0],
        [0, 1],
        [1, 0],
        [2, 1],
      ]),
    );
    const s1 = ease.scoreItems(1);
    expect(s1[0]).toBe(0);
    expect(s1[1]).toBeCloseTo(1 / 3, 6);
    expect(ease.similarItems(0, 1)[0]!.index).toBe(1);
  });

  it("minimises the ridge objective: B's columns solve (G + λI) b = G eⱼ with a zero diagonal", () => {
    const lambda = 0.5;
    const ease = new Ease({ lambda });
    ease.fit(triangle);
    const b = ease.save().arrays.weights as Float32Array;
    // The closed form satisfies (G + λI) B = G − diag(μ) for some μ, i.e. off-diagonal entries of
    // (G + λI)B − G vanish.
    const g = [
      [2, 2, 1],
      [2, 2, 1],
      [1, 1, 2],
    ];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        if (i === j) continue;
        let value = -g[i]![j]!;
        for (let p = 0; p < 3; p++) value += (g[i]![p]! + (i === p ? lambda : 0)) * b[p * 3 + j]!;
        expect(value).toBeCloseTo(0, 5);
      }
      expect(b[i * 3 + i]).toBe(0);
    }
  });

  it("recommends inside the block (catalogues above maxItems: ease-supported-items.test.ts)", () => {
    const matrix = twoBlockMatrix();
    const ease = new Ease({ lambda: 1 });
    ease.fit(matrix);
    expectBlockRecommendations(ease, matrix);
    expect(() => new Ease({ lambda: 0 })).toThrow(RangeError);
  });
});

describe("ScoreBlend", () => {
  it("sums weighted component scores", () => {
    const popularity = new Popularity();
    const knn = new ItemKnn({ shrinkage: 0 });
    const blend = new ScoreBlend([
      { model: popularity, weight: 0.25 },
      { model: knn, weight: 2 },
    ]);
    blend.fit(triangle);
    const expected = Array.from(popularity.scoreItems(2), (p, i) => 0.25 * p + 2 * knn.scoreItems(2)[i]!);
    Array.from(blend.scoreItems(2)).forEach((s, i) => {
      expect(s).toBeCloseTo(expected[i]!, 5);
    });
    expect(blend.label).toBe("0.25·popularity + 2·item-knn");
    expect(() => new ScoreBlend([])).toThrow(RangeError);
  });
});

describe("FactorizedRecommender", () => {
  it("reproduces a rank-2 model's scores exactly with 2 dimensions", () => {
    const matrix = twoBlockMatrix();
    const als = new ImplicitAls({ factors: 2, regularization: 0.1, iterations: 5, seed: 23 });
    const factorized = new FactorizedRecommender(als, { rank: 2, seed: 1 });
    factorized.fit(matrix);
    for (const u of [0, 7, 15]) {
      const expected = als.scoreItems(u);
      Array.from(factorized.scoreItems(u)).forEach((s, i) => {
        expect(s).toBeCloseTo(expected[i]!, 4);
      });
    }
    expect(factorized.factors!.dimensions).toBe(2);
    expect(factorized.sourceModel).toBe("implicit-als");
  });

  it("gives an EASE blend dot-product vectors that keep recommendations in the block", () => {
    const matrix = twoBlockMatrix();
    const source = new ScoreBlend([
      { model: new Ease({ lambda: 1 }), weight: 0.5 },
      { model: new ImplicitAls({ factors: 2, regularization: 0.1, seed: 23 }), weight: 0.5 },
    ]);
    const factorized = new FactorizedRecommender(source, { rank: 4 });
    factorized.fit(matrix);
    expectBlockRecommendations(factorized, matrix);
    for (const s of factorized.similarItems(0, BLOCK_SIZE - 1)) expect(blockOf(s.index)).toBe(0);
  });
});

describe("saving and loading models", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "saved-model-"));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const specs: ModelSpec[] = [
    { model: "popularity" },
    { model: "item-knn", options: { neighbours: 5 } },
    { model: "implicit-als", options: { factors: 3, iterations: 3, seed: 2 } },
    { model: "ease", options: { lambda: 2 } },
    {
      model: "blend",
      parts: [
        { model: "ease", options: { lambda: 2 } },
        { model: "implicit-als", options: { factors: 3, iterations: 3, seed: 2 } },
      ],
      weights: [0.6, 0.4],
    },
    { model: "factorized", source: { model: "item-knn", options: {} }, options: { rank: 3 } },
  ];

  it.each(specs.map((spec) => [describeSpec(spec), spec] as const))("round-trips %s through a model file", async (_, spec) => {
    const matrix = twoBlockMatrix();
    const model = createRecommender(spec);
    model.fit(matrix);
    const path = join(root, `${spec.model}.model`);
    await writeSavedModel(path, model.save());
    const loaded = loadRecommender(await readSavedModel(path));
    expect(loaded.name).toBe(model.name);
    for (const u of [0, 13]) {
      expect(loaded.recommend(u, 5, rowIndices(matrix, u))).toEqual(model.recommend(u, 5, rowIndices(matrix, u)));
    }
    expect(loaded.similarItems(3, 4)).toEqual(model.similarItems(3, 4));
  });

  it("rejects files that are not saved models and unknown model names", async () => {
    const path = join(root, "not-a-model");
    await writeFile(path, "hello world");
    await expect(readSavedModel(path)).rejects.toThrow(/not a saved model/);
    expect(() => loadRecommender({ model: "bpr", options: {}, arrays: {} })).toThrow(/unknown saved model "bpr"/);
  });
});

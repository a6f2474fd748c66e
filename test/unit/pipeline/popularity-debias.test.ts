import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { popularityInversePropensity, withPopularityInversePropensity } from "../../../pipeline/bias/popularity-propensity";
import { buildInteractionMatrix } from "../../../pipeline/data/interaction-matrix";
import { defaultPlan, POPULARITY_DEBIAS_KEY, popularityDebiasTrials, tunePlan } from "../../../pipeline/evaluate/tune-plan";
import { ImplicitAls } from "../../../pipeline/models/implicit-als";
import { createRecommender, loadRecommender, type ModelSpec } from "../../../pipeline/models/model-spec";
import { readSavedModel, writeSavedModel } from "../../../pipeline/models/saved-model";
import { stratifiedRandomSplit } from "../../../pipeline/split/stratified-random-split";
import { twoBlockMatrix } from "./block-fixture";

/**
 * 4 users × 4 items, (user, item, r): item 0 has 4 users, item 1 one, item 2 two, item 3 none.
 * Σ r = 10 over 7 pairs.
 */
function tinyMatrix() {
  const pairs = [
    [0, 0, 2],
    [0, 1, 1],
    [1, 0, 1],
    [1, 2, 1],
    [2, 0, 1],
    [2, 2, 3],
    [3, 0, 1],
  ] as const;
  return buildInteractionMatrix(
    { rows: 4, cols: 4 },
    { rows: pairs.map((p) => p[0]), cols: pairs.map((p) => p[1]), confidence: pairs.map((p) => p[2]) },
  );
}

const ALS = { factors: 3, regularization: 0.1, alpha: 2, iterations: 6, seed: 23 };

describe("popularity inverse propensity", () => {
  it("weights each item by min(cap, (max n / nᵢ)^γ), 1 for an item without users", () => {
    const weights = popularityInversePropensity(tinyMatrix(), { gamma: 0.5, maxWeight: 20 });
    expect(weights[0]).toBe(1);
    expect(weights[1]).toBeCloseTo(2, 12);
    expect(weights[2]).toBeCloseTo(Math.SQRT2, 12);
    expect(weights[3]).toBe(1);
    expect(Array.from(popularityInversePropensity(tinyMatrix(), { gamma: 1, maxWeight: 3 }))).toEqual([1, 3, 2, 1]);
  });

  it("reweights the positives and keeps their mean weight", () => {
    // γ 1, cap 3: weights 1, 3 (4 capped), 2; Σ r·w = 2+3+1+2+1+6+1 = 16, scale 10/16.
    const capped = withPopularityInversePropensity(tinyMatrix(), { gamma: 1, maxWeight: 3 });
    expect(Array.from(capped.confidence)).toEqual([1.25, 1.875, 0.625, 1.25, 0.625, 3.75, 0.625]);
    // γ 0.5, no cap reached: Σ r·w = 7 + 4√2.
    const scale = 10 / (7 + 4 * Math.SQRT2);
    const expected = [2, 2, 1, Math.SQRT2, 1, 3 * Math.SQRT2, 1].map((v) => v * scale);
    const reweighted = withPopularityInversePropensity(tinyMatrix(), { gamma: 0.5 });
    expected.forEach((v, e) => {
      expect(reweighted.confidence[e]).toBeCloseTo(v, 6);
    });
    expect(reweighted.confidence.reduce((a, b) => a + b, 0)).toBeCloseTo(10, 5);
    expect(Array.from(reweighted.indices)).toEqual(Array.from(tinyMatrix().indices));
  });

  it("leaves the matrix itself at γ = 0 and rejects a negative γ", () => {
    const matrix = tinyMatrix();
    expect(withPopularityInversePropensity(matrix, { gamma: 0 })).toBe(matrix);
    expect(() => withPopularityInversePropensity(matrix, { gamma: -1 })).toThrow(RangeError);
    expect(() => new ImplicitAls({ popularityDebias: -0.5 })).toThrow(RangeError);
  });
});

describe("ImplicitAls with popularityDebias", () => {
  const matrix = twoBlockMatrix();

  it("is exactly the old ALS at γ = 0 (identical factors, unchanged saved options)", () => {
    const plain = new ImplicitAls(ALS);
    plain.fit(matrix);
    const off = new ImplicitAls({ ...ALS, popularityDebias: 0 });
    off.fit(matrix);
    expect(off.factors!.users).toEqual(plain.factors!.users);
    expect(off.factors!.items).toEqual(plain.factors!.items);
    expect(plain.save().options).not.toHaveProperty("popularityDebias");
  });

  it("trains on the reweighted positives at γ > 0", () => {
    const skewed = tinyMatrix();
    const debiased = new ImplicitAls({ ...ALS, popularityDebias: 1, popularityDebiasMaxWeight: 3 });
    debiased.fit(skewed);
    const onReweighted = new ImplicitAls(ALS);
    onReweighted.fit(withPopularityInversePropensity(skewed, { gamma: 1, maxWeight: 3 }));
    expect(debiased.factors!.items).toEqual(onReweighted.factors!.items);
    const plain = new ImplicitAls(ALS);
    plain.fit(skewed);
    expect(debiased.factors!.items).not.toEqual(plain.factors!.items);
  });

  describe("round trip", () => {
    let root = "";
    afterAll(async () => {
      if (root) await rm(root, { recursive: true, force: true });
    });

    it("restores the spec's option and scores from a model file", async () => {
      root = await mkdtemp(join(tmpdir(), "als-ips-"));
      const spec: ModelSpec = { model: "implicit-als", options: { ...ALS, popularityDebias: 0.5 } };
      const model = createRecommender(spec);
      model.fit(matrix);
      const path = join(root, "als-ips.bin");
      await writeSavedModel(path, model.save());
      const saved = await readSavedModel(path);
      expect(saved.options).toMatchObject({ popularityDebias: 0.5 });
      const loaded = loadRecommender(saved);
      expect(loaded.save().options).toEqual(model.save().options);
      expect(loaded.scoreItems(3)).toEqual(model.scoreItems(3));
      const refit = createRecommender({ model: "implicit-als", options: loaded.save().options as typeof spec.options });
      refit.fit(matrix);
      expect(refit.factors!.items).toEqual(model.factors!.items);
    });
  });
});

describe("the implicit-als-ips plan entry", () => {
  const als = {
    key: "implicit-als",
    spec: { model: "implicit-als", options: { factors: 8, alpha: 5, seed: 42 } },
    servable: true,
  } as const;

  it("is the tuned ALS with each γ, servable", () => {
    expect(popularityDebiasTrials(als, [0.25, 0.5])).toEqual([
      {
        key: "implicit-als-ips",
        spec: { model: "implicit-als", options: { factors: 8, alpha: 5, seed: 42, popularityDebias: 0.25 } },
        servable: true,
      },
      {
        key: "implicit-als-ips",
        spec: { model: "implicit-als", options: { factors: 8, alpha: 5, seed: 42, popularityDebias: 0.5 } },
        servable: true,
      },
    ]);
    const plan = defaultPlan({ dimensions: 8 });
    const entry = plan.entries.find((e) => e.key === POPULARITY_DEBIAS_KEY)!;
    const defaultAls = plan.entries.find((e) => e.key === "implicit-als")!;
    expect(entry.spec).toEqual({
      model: "implicit-als",
      options: { ...(defaultAls.spec as typeof als.spec).options, popularityDebias: 0.5 },
    });
    expect(plan.serving).toBe("ease+implicit-als@8d");
  });

  it.each([[[0.25, 0.5]], [[]]])("is tuned on validation after the ALS search (γ grid %j)", async (gammas) => {
    const validation = stratifiedRandomSplit(twoBlockMatrix(), { ratio: 0.75, by: "item", seed: 1 });
    const result = await tunePlan(validation, {
      grids: {
        "item-knn": [{ neighbours: 5, shrinkage: 0 }],
        "implicit-als": [{ factors: 4, regularization: 1, alpha: 2, iterations: 3 }],
        ease: [{ lambda: 10 }],
        easeMinSupport: [1],
        popularityDebias: gammas,
        blendWeights: [0.5],
        cleora: [],
        cleoraBlendWeights: [],
      },
      dimensions: 4,
      alsSearch: { budgetSeconds: 0 },
    });
    const ipsTrials = result.trials.filter((t) => t.key === POPULARITY_DEBIAS_KEY);
    expect(ipsTrials.map((t) => (t.spec as { options: { popularityDebias?: number } }).options.popularityDebias)).toEqual(gammas);
    const entry = result.plan.entries.find((e) => e.key === POPULARITY_DEBIAS_KEY);
    if (gammas.length === 0) {
      expect(entry).toBeUndefined();
      return;
    }
    const alsSpec = result.plan.entries.find((e) => e.key === "implicit-als")!.spec as { options: object };
    const best = ipsTrials.reduce((a, b) => (b.ndcg > a.ndcg ? b : a));
    expect(entry!.spec).toEqual(best.spec);
    expect(best.spec).toEqual({
      model: "implicit-als",
      options: { ...alsSpec.options, popularityDebias: (best.spec as { options: { popularityDebias: number } }).options.popularityDebias },
    });
    expect(result.validationNdcg[POPULARITY_DEBIAS_KEY]).toBe(best.ndcg);
    const servable = result.plan.entries.filter((e) => e.servable).map((e) => e.key);
    expect(servable).toContain(POPULARITY_DEBIAS_KEY);
    const winner = servable.reduce((a, b) => (result.validationNdcg[b]! > result.validationNdcg[a]! ? b : a));
    expect(result.validationNdcg[result.plan.serving]).toBe(result.validationNdcg[winner]);
  });
});

/**
 * The light ranker (workers/ranking/light.ts) against hand-computed scores: it returns
 * sigmoid(bias + Σ wᵢ·xᵢ) for every row, in row order, refuses a row of the wrong width and is
 * unavailable without a model. Runs in workerd because the ranker reads its model from KV.
 */
import { describe, expect, it } from "vitest";
import { FEATURE_SPEC } from "../../shared/features/feature-spec";
import type { LinearRankerModel } from "../../shared/ranking/linear-ranker";
import { createLightRanker } from "../../workers/ranking/light";
import { RankerError } from "../../workers/ranking/ranker";

describe("light ranker", () => {
  // A model over the real feature spec: every weight 0 except retrieval_score (1) and item_sponsored
  // (−2), bias 0.5 — so each score depends on two columns only and can be computed by hand.
  const at = (name: string) => FEATURE_SPEC.names.indexOf(name as (typeof FEATURE_SPEC.names)[number]);
  const RETRIEVAL = at("retrieval_score");
  const SPONSORED = at("item_sponsored");
  const weights = new Array<number>(FEATURE_SPEC.size).fill(0);
  weights[RETRIEVAL] = 1;
  weights[SPONSORED] = -2;
  const model: LinearRankerModel = {
    kind: "logistic",
    weights,
    bias: 0.5,
    featureNames: [...FEATURE_SPEC.names],
    featureSpecHash: FEATURE_SPEC.hash,
    modelVersion: "hand-1",
  };
  type LightKv = Parameters<typeof createLightRanker>[0]["kv"];
  const kvHolding = (value: string | null) => ({ get: async () => value }) as unknown as LightKv;
  /** A row of the spec's width: `fill` everywhere (ignored by the model), then the two columns set. */
  const row = (retrieval: number, sponsored: number, fill = 7): number[] => {
    const values = new Array<number>(FEATURE_SPEC.size).fill(fill);
    values[RETRIEVAL] = retrieval;
    values[SPONSORED] = sponsored;
    return values;
  };

  it("finds the two columns it needs in the spec", () => {
    expect(RETRIEVAL).toBeGreaterThanOrEqual(0);
    expect(SPONSORED).toBeGreaterThanOrEqual(0);
  });

  it("returns sigmoid(w · row + b) for every row, in row order", async () => {
    const light = createLightRanker({ kv: kvHolding(JSON.stringify(model)), cacheTtlMs: 0 });
    const result = await light.rank({ rows: [row(1.5, 0), row(1.5, 1), row(-1, 0), row(0.5, 1)], featureSpecHash: FEATURE_SPEC.hash });
    expect(result.modelVersion).toBe("hand-1");
    // z = 0.5 + 1.5 = 2:           e^−2 = 0.1353352832366127 → 1 / 1.1353352832366127 = 0.8807970779778823
    // z = 0.5 + 1.5 − 2 = 0:       0.5
    // z = 0.5 − 1 = −0.5:          0.3775406687981454 (as above)
    // z = 0.5 + 0.5 − 2 = −1:      e^1 = 2.718281828459045 → 1 / 3.718281828459045 = 0.2689414213699951
    const expected = [0.8807970779778823, 0.5, 0.3775406687981454, 0.2689414213699951];
    expect(result.scores).toHaveLength(expected.length);
    result.scores.forEach((score, i) => {
      expect(score).toBeCloseTo(expected[i]!, 12);
    });
  });

  it("ignores the columns whose weight is 0", async () => {
    const light = createLightRanker({ kv: kvHolding(JSON.stringify(model)), cacheTtlMs: 0 });
    const { scores } = await light.rank({ rows: [row(1.5, 0, 0), row(1.5, 0, 1000)], featureSpecHash: FEATURE_SPEC.hash });
    expect(scores[0]).toBeCloseTo(0.8807970779778823, 12);
    expect(scores[1]).toBeCloseTo(0.8807970779778823, 12);
  });

  it("refuses a row of the wrong width instead of scoring it", async () => {
    const light = createLightRanker({ kv: kvHolding(JSON.stringify(model)), cacheTtlMs: 0 });
    const short = row(1, 0).slice(1);
    await expect(light.rank({ rows: [short], featureSpecHash: FEATURE_SPEC.hash })).rejects.toMatchObject({ reason: "rejected" });
    await expect(light.rank({ rows: [short], featureSpecHash: FEATURE_SPEC.hash })).rejects.toBeInstanceOf(RankerError);
  });

  it("is unavailable when no model is published", async () => {
    const light = createLightRanker({ kv: kvHolding(null), cacheTtlMs: 0 });
    await expect(light.rank({ rows: [row(1, 0)], featureSpecHash: FEATURE_SPEC.hash })).rejects.toMatchObject({ reason: "unavailable" });
  });
});

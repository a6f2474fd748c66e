import { describe, expect, it } from "vitest";
import { rowIndices } from "../../../pipeline/data/interaction-matrix";
import { ImplicitAls } from "../../../pipeline/models/implicit-als";
import { factorRow } from "../../../pipeline/models/recommender";
import { blendUserVector } from "../../../shared/realtime/blend-user-vector";
import { buildFoldInModel } from "../../../shared/realtime/build-fold-in-model";
import { foldInModelSchema } from "../../../shared/realtime/fold-in-model";
import { foldInUserVector } from "../../../shared/realtime/fold-in-user-vector";
import { sessionVector } from "../../../shared/realtime/session-vector";
import { twoBlockMatrix } from "../pipeline/block-fixture";

// Y = [[1,0],[0,1],[1,1]], λ = 0.5, α = 2.
const Y = [
  [1, 0],
  [0, 1],
  [1, 1],
];
const model = buildFoldInModel({ modelVersion: "tiny", dimensions: 2, itemFactors: Y.flat(), regularization: 0.5, alpha: 2 });

describe("foldInUserVector", () => {
  it("equals the hand-solved ALS normal equations on a tiny fixture", () => {
    // YᵀY = [[2,1],[1,2]]; session: item 0 with r = 1 (c = 3), item 2 with r = 2 (c = 5).
    // A = YᵀY + λI + 2·y0y0ᵀ + 4·y2y2ᵀ = [[8.5,5],[5,6.5]];  b = 3·y0 + 5·y2 = [8,5]
    // x = A⁻¹b = [27, 2.5] / 30.25
    expect(model.gram).toEqual([2, 1, 1, 2]);
    const x = foldInUserVector(model, [
      { vector: Y[0]!, weight: 1 },
      { vector: Y[2]!, weight: 2 },
    ])!;
    expect(x[0]).toBeCloseTo(27 / 30.25, 12);
    expect(x[1]).toBeCloseTo(2.5 / 30.25, 12);
  });

  it("zeroes the gradient of the user's full ALS objective (sum over every item, no Gram shortcut)", () => {
    const session = new Map([
      [0, 1],
      [2, 2],
    ]);
    const x = foldInUserVector(
      model,
      [...session].map(([i, r]) => ({ vector: Y[i]!, weight: r })),
    )!;
    const gradient = [model.regularization * x[0]!, model.regularization * x[1]!];
    Y.forEach((y, i) => {
      const r = session.get(i) ?? 0;
      const c = 1 + model.alpha * r;
      const p = r > 0 ? 1 : 0;
      const residual = c * (y[0]! * x[0]! + y[1]! * x[1]! - p);
      gradient[0]! += residual * y[0]!;
      gradient[1]! += residual * y[1]!;
    });
    expect(gradient[0]).toBeCloseTo(0, 12);
    expect(gradient[1]).toBeCloseTo(0, 12);
  });

  it("reproduces a converged implicit-ALS user vector from that user's interactions", () => {
    const matrix = twoBlockMatrix();
    const options = { factors: 2, regularization: 0.1, alpha: 2, iterations: 400, cgSteps: 4, seed: 23 };
    const als = new ImplicitAls(options);
    als.fit(matrix);
    const factors = als.factors!;
    const trained = buildFoldInModel({ modelVersion: "blocks", dimensions: 2, itemFactors: factors.items, regularization: 0.1, alpha: 2 });
    for (const user of [0, 7, 13]) {
      const items = rowIndices(matrix, user);
      const interactions = Array.from(items, (item, j) => ({
        vector: factorRow(factors.items, 2, item),
        weight: matrix.confidence[matrix.indptr[user]! + j]!,
      }));
      const x = foldInUserVector(trained, interactions)!;
      const expected = factorRow(factors.users, 2, user);
      expect(x[0]).toBeCloseTo(expected[0]!, 3);
      expect(x[1]).toBeCloseTo(expected[1]!, 3);
    }
  });

  it("lets a negative item pull its score towards 0 without adding preference", () => {
    const positiveOnly = foldInUserVector(model, [{ vector: Y[2]!, weight: 1 }])!;
    const withDislike = foldInUserVector(model, [
      { vector: Y[2]!, weight: 1 },
      { vector: Y[1]!, weight: -4 },
    ])!;
    expect(withDislike[1]!).toBeLessThan(positiveOnly[1]!);
    expect(foldInUserVector(model, [{ vector: Y[1]!, weight: -4 }])).toBeNull();
  });

  it("rejects a vector of the wrong size", () => {
    expect(() => foldInUserVector(model, [{ vector: [1, 2, 3], weight: 1 }])).toThrow(RangeError);
  });
});

describe("buildFoldInModel", () => {
  it("publishes category and segment prototypes that pass the KV schema", () => {
    const built = buildFoldInModel(
      {
        modelVersion: "v",
        dimensions: 2,
        itemFactors: Y.flat(),
        regularization: 1,
        alpha: 3,
        itemCategories: ["A", "B", "A"],
        userFactors: [1, 1, 3, 3, 0, 0],
        userSegments: [["country:DE"], ["country:DE", "gender:f"], ["country:FR"]],
      },
      { minSegmentUsers: 2 },
    );
    expect(built.categoryVectors).toEqual({ A: [1, 0.5], B: [0, 1] });
    // The zero user (never trained) counts for no segment; gender:f has 1 user < 2.
    expect(built.segmentVectors).toEqual({ "country:DE": [2, 2] });
    expect(foldInModelSchema.safeParse(JSON.parse(JSON.stringify(built))).success).toBe(true);
    expect(foldInModelSchema.safeParse({ ...built, gram: [1, 2, 3] }).success).toBe(false);
  });
});

describe("sessionVector", () => {
  it("folds in with the model and averages item vectors without it", () => {
    const interactions = [
      { vector: Y[0]!, weight: 3 },
      { vector: Y[1]!, weight: 1 },
      { vector: Y[2]!, weight: -1 },
    ];
    expect(sessionVector(interactions, model)).toMatchObject({ method: "als_fold_in", strength: 4 });
    const average = sessionVector(interactions, null)!;
    expect(average.method).toBe("item_average");
    expect(average.vector).toEqual([0.75, 0.25]);
    expect(sessionVector([{ vector: Y[0]!, weight: -1 }], model)).toBeNull();
  });
});

describe("blendUserVector", () => {
  it("gives the session a share s / (s + κ) of the trained vector", () => {
    const blended = blendUserVector([1, 0], { vector: [0, 1], strength: 2 }, { priorStrength: 2 });
    expect(blended).toEqual({ vector: [0.5, 0.5], sessionShare: 0.5 });
    expect(blendUserVector(null, { vector: [0, 1], strength: 1 })).toEqual({ vector: [0, 1], sessionShare: 1 });
    expect(blendUserVector([1, 0], null)).toEqual({ vector: [1, 0], sessionShare: 0 });
    expect(blendUserVector(null, null).vector).toBeNull();
  });
});

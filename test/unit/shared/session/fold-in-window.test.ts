import { describe, expect, it } from "vitest";
import type { FoldInModel } from "../../../../shared/realtime/fold-in-model";
import {
  type FoldInWindowRow,
  foldInWindowVector,
  itemsWithoutVector,
  storableItemVector,
} from "../../../../shared/session/fold-in-window";

const vec = (...values: number[]) => new Float32Array(values).buffer;

const window: FoldInWindowRow[] = [
  { item_id: "a", net: 1, vector_version: "v1", vector: vec(1, 0) },
  { item_id: "b", net: 3, vector_version: "v1", vector: vec(0, 1) },
  { item_id: "c", net: 2, vector_version: "v0", vector: vec(9, 9) },
  { item_id: "d", net: 5, vector_version: null, vector: null },
  { item_id: "e", net: 4, vector_version: "v1", vector: new ArrayBuffer(0) },
  { item_id: "f", net: 0, vector_version: "v1", vector: vec(7, 7) },
];

describe("itemsWithoutVector", () => {
  it("lists the items without a vector of the current model version", () => {
    expect(itemsWithoutVector(window, "v1")).toEqual(["c", "d"]);
  });
});

describe("storableItemVector", () => {
  const model = { dimensions: 2 } as FoldInModel;

  it("stores float32 bytes of a vector that fits the model", () => {
    expect(new Float32Array(storableItemVector([0.5, -1], model))).toEqual(new Float32Array([0.5, -1]));
    expect(new Float32Array(storableItemVector([1, 2, 3], null))).toHaveLength(3);
  });

  it("stores an empty vector for an item not in the index or of another size", () => {
    expect(storableItemVector(undefined, model).byteLength).toBe(0);
    expect(storableItemVector([1, 2, 3], model).byteLength).toBe(0);
  });
});

describe("foldInWindowVector", () => {
  it("averages the current-version vectors by net weight without a model, skipping stale, empty and neutral items", () => {
    expect(foldInWindowVector(window, [], null, "v1", 99)).toEqual({
      vector: [0.25, 0.75],
      method: "item_average",
      strength: 4,
      modelVersion: "v1",
      computedAt: 99,
      items: 2,
    });
  });

  it("folds in with the model, adding each preferred category it has a vector for as a pseudo-item of weight 1", () => {
    // YᵀY = I, λ = 0, α = 0: every confidence is 1, so x = Σ positive vectors = [1,0] + [0,1] + [1,1].
    const model: FoldInModel = {
      modelVersion: "v1",
      dimensions: 2,
      gram: [1, 0, 0, 1],
      regularization: 0,
      alpha: 0,
      categoryVectors: { Drama: [1, 1] },
    };
    expect(foldInWindowVector(window, ["Drama", "Horror"], model, "v1", 7)).toEqual({
      vector: [2, 2],
      method: "als_fold_in",
      strength: 5,
      modelVersion: "v1",
      computedAt: 7,
      items: 3,
    });
  });

  it("is null without a positive interaction", () => {
    expect(foldInWindowVector([{ item_id: "x", net: -2, vector_version: "v1", vector: vec(1, 0) }], [], null, "v1", 0)).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { buildInteractionMatrix } from "../../../pipeline/data/interaction-matrix";
import { Popularity } from "../../../pipeline/models/popularity";

describe("Popularity", () => {
  // Item 2 has 3 users, item 0 has 2 users (one with many events), items 1 and 3 one user each.
  const matrix = buildInteractionMatrix(
    { rows: 3, cols: 5 },
    {
      rows: [0, 1, 2, 0, 1, 2, 2, 2],
      cols: [2, 2, 2, 0, 0, 1, 3, 3],
      confidence: [1, 1, 1, 1, 5, 1, 1, 1],
      counts: [1, 1, 1, 1, 5, 1, 1, 1],
    },
  );
  const model = new Popularity();
  model.fit(matrix);

  it("ranks items by distinct users, breaking ties by event count", () => {
    expect(model.recommend(0, 5).map((r) => r.index)).toEqual([2, 0, 3, 1, 4]);
    expect(model.recommend(0, 5).at(-1)!.score).toBe(0);
  });

  it("gives every user the same list minus their excluded items", () => {
    expect(model.recommend(1, 2, [2]).map((r) => r.index)).toEqual([0, 3]);
    expect(model.recommend(2, 2, [2]).map((r) => r.index)).toEqual([0, 3]);
  });

  it("answers similar items with the most popular other items and has no factors", () => {
    expect(model.similarItems(2, 2).map((r) => r.index)).toEqual([0, 3]);
    expect(model.factors).toBeNull();
  });
});

/** List category diversity against hand-computed values. */
import { describe, expect, it } from "vitest";
import { listCategoryDiversity } from "../../../shared/experiments/list-category-diversity";

describe("listCategoryDiversity", () => {
  it("gives the share of categorised item pairs in different categories and the distinct count", () => {
    // A A B C: 6 pairs, only (A, A) shares a category → 5/6.
    expect(listCategoryDiversity(["A", "A", "B", "C"])).toEqual({ diversity: 5 / 6, distinct: 3 });
    // A A B B B: 10 pairs, 1 + 3 same → 6/10.
    expect(listCategoryDiversity(["A", "A", "B", "B", "B"])).toEqual({ diversity: 0.6, distinct: 2 });
    expect(listCategoryDiversity(["A", "B", "C"])).toEqual({ diversity: 1, distinct: 3 });
    expect(listCategoryDiversity(["A", "A", "A"])).toEqual({ diversity: 0, distinct: 1 });
  });

  it("leaves out items without a category", () => {
    // A, unknown, B, "", null, A → A B A: 3 pairs, 1 same → 2/3.
    expect(listCategoryDiversity(["A", undefined, "B", "", null, "A"])).toEqual({ diversity: 2 / 3, distinct: 2 });
  });

  it("has no diversity with fewer than two categorised items", () => {
    expect(listCategoryDiversity([])).toEqual({ diversity: null, distinct: 0 });
    expect(listCategoryDiversity([undefined, undefined])).toEqual({ diversity: null, distinct: 0 });
    expect(listCategoryDiversity(["A", undefined])).toEqual({ diversity: null, distinct: 1 });
  });
});

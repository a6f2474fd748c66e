/** Re-ranking rules on small fixtures with known answers. */
import { describe, expect, it } from "vitest";
import { capInWindow } from "../../../shared/rerank/cap-in-window";
import { mmr } from "../../../shared/rerank/mmr";
import type { RankedItem } from "../../../shared/rerank/ranked-item";

const item = (itemId: string, score: number, extra: Partial<RankedItem> = {}): RankedItem => ({ itemId, score, source: "ann", ...extra });
const ids = (items: RankedItem[]) => items.map((i) => i.itemId);

describe("mmr", () => {
  // a1, a2 are near-duplicates (same direction), b points elsewhere and scores a bit lower.
  const items = [
    item("a1", 1.0, { vector: [1, 0] }),
    item("a2", 0.95, { vector: [0.99, 0.01] }),
    item("b", 0.9, { vector: [0, 1] }),
    item("c", 0.0, { vector: [0.7, 0.7] }),
  ];

  it("keeps relevance order at λ = 1", () => {
    expect(ids(mmr(items, { lambda: 1, k: 4 }))).toEqual(["a1", "a2", "b", "c"]);
  });

  it("lifts the diverse item above the near-duplicate at λ = 0.5", () => {
    // step 2: a2 = 0.5·0.95 − 0.5·1.0 ≈ −0.025, b = 0.5·0.9 − 0 = 0.45 → b
    expect(ids(mmr(items, { lambda: 0.5, k: 2 }))).toEqual(["a1", "b", "a2", "c"]);
  });

  it("only re-orders the first k and keeps every item", () => {
    const out = mmr(items, { lambda: 0.3, k: 1 });
    expect(ids(out)).toEqual(["a1", "a2", "b", "c"]);
    expect(mmr([], { lambda: 0.5, k: 3 })).toEqual([]);
  });

  it("treats items without vectors as dissimilar", () => {
    const out = mmr([item("x", 1), item("y", 0.5), item("z", 0.2)], { lambda: 0.5, k: 3 });
    expect(ids(out)).toEqual(["x", "y", "z"]);
  });
});

describe("capInWindow", () => {
  const list = ["A1", "A2", "A3", "A4", "B1", "A5", "B2", "C1"].map((id, i) => item(id, 10 - i, { category: id[0] }));

  it("allows at most max per category in the window and defers the rest just past it", () => {
    const out = capInWindow(list, { key: (i) => i.category, max: 2, window: 5 });
    expect(ids(out)).toEqual(["A1", "A2", "B1", "B2", "C1", "A3", "A4", "A5"]);
  });

  it("leaves lists that respect the cap unchanged", () => {
    expect(ids(capInWindow(list, { key: (i) => i.category, max: 10, window: 8 }))).toEqual(ids(list));
  });

  it("caps sponsored items (2 in the top 4) without touching organic ones", () => {
    const ads = [
      item("s1", 9, { sponsored: true }),
      item("s2", 8, { sponsored: true }),
      item("s3", 7, { sponsored: true }),
      item("o1", 6),
      item("o2", 5),
    ];
    const out = capInWindow(ads, { key: (i) => (i.sponsored ? "sponsored" : undefined), max: 2, window: 4 });
    expect(ids(out)).toEqual(["s1", "s2", "o1", "o2", "s3"]);
  });
});

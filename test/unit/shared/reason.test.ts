/** Explanations are derived from the source that produced each item, and name the right anchor. */
import { describe, expect, it } from "vitest";
import { explain, type ReasonAnchor, strongestAnchor } from "../../../shared/explain/reason";

const anchors: ReasonAnchor[] = [
  { itemId: "drama-1", title: "The Silent Harbor", vector: [1, 0, 0], weight: 1 },
  { itemId: "comedy-1", title: "Laugh Lines", vector: [0, 1, 0], weight: 1 },
  { itemId: "comedy-2", vector: [0, 0.9, 0.1], weight: 4 },
];

describe("strongestAnchor", () => {
  it("picks the anchor with the largest weighted contribution wⱼ·(yⱼ·yᵢ)", () => {
    expect(strongestAnchor([0.9, 0.1, 0], anchors)?.itemId).toBe("drama-1");
    // comedy-1 contributes 1·1 = 1, comedy-2 contributes 4·0.9 = 3.6
    expect(strongestAnchor([0, 1, 0], anchors)?.itemId).toBe("comedy-2");
  });

  it("finds none when nothing contributes positively or shapes differ", () => {
    expect(strongestAnchor([-1, -1, 0], anchors)).toBeUndefined();
    expect(strongestAnchor([1, 0], anchors)).toBeUndefined();
  });
});

describe("explain", () => {
  it("gives each source its own reason", () => {
    expect(explain({ source: "ann", vector: [1, 0, 0] }, anchors)).toEqual({
      code: "because_you_watched",
      text: "Because you watched The Silent Harbor",
      item_id: "drama-1",
    });
    expect(explain({ source: "ann", vector: [0, 0, 0] }, anchors).code).toBe("picked_for_you");
    expect(explain({ source: "ann" }, anchors).code).toBe("picked_for_you");
    expect(explain({ source: "similar", seed: { itemId: "i9" } }, [])).toEqual({ code: "similar_to", text: "More like i9", item_id: "i9" });
    expect(explain({ source: "trending", category: "Drama" }, [])).toEqual({
      code: "trending_in_category",
      text: "Trending in Drama",
      category: "Drama",
    });
    expect(explain({ source: "fresh", category: "Horror" }, [])).toEqual({
      code: "new_in_category",
      text: "New in Horror",
      category: "Horror",
    });
    expect(explain({ source: "exploration", category: "Jazz" }, [])).toEqual({
      code: "exploring_category",
      text: "Exploring Jazz",
      category: "Jazz",
    });
    expect(explain({ source: "popular", category: "Drama" }, []).code).toBe("popular");
  });
});

/** Per-batch trending aggregates: credits summed per item, latest time kept, non-positive dropped. */
import { describe, expect, it } from "vitest";
import { aggregateTrending } from "../../../shared/realtime/aggregate-trending";

describe("aggregateTrending", () => {
  it("sums each item's credits, keeps the latest time and the first-seen order", () => {
    expect(
      aggregateTrending([
        { itemId: "b", weight: 1, ts: 10 },
        { itemId: "a", weight: 4, ts: 30 },
        { itemId: "b", weight: 2.5, ts: 5 },
        { itemId: "a", weight: 0, ts: 99 },
        { itemId: "c", weight: -1, ts: 1 },
        { itemId: "c", weight: Number.NaN, ts: 1 },
      ]),
    ).toEqual([
      { itemId: "b", weight: 3.5, ts: 10 },
      { itemId: "a", weight: 4, ts: 30 },
    ]);
  });

  it("does not change its input", () => {
    const credits = [
      { itemId: "a", weight: 1, ts: 1 },
      { itemId: "a", weight: 1, ts: 2 },
    ];
    aggregateTrending(credits);
    expect(credits).toEqual([
      { itemId: "a", weight: 1, ts: 1 },
      { itemId: "a", weight: 1, ts: 2 },
    ]);
  });
});

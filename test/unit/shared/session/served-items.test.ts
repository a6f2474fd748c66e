/** One exposures row per response: packing in position order, lookups by item, and where pruning cuts. */
import { describe, expect, it } from "vitest";
import { newestServed, packServedItems, pruneCutoff, servedItem, unpackServedItems } from "../../../../shared/session/served-items";

describe("served items", () => {
  it("packs a response's items in position order and finds each one", () => {
    const packed = packServedItems([
      { itemId: "b", position: 1, source: "trending", category: "Drama" },
      { itemId: "a", position: 0, source: "ann" },
      { itemId: "c", position: 2, source: "exploration", category: "Jazz", explorationSource: "fresh" },
    ]);
    expect(unpackServedItems(packed)).toEqual([
      ["a", "ann", null, null],
      ["b", "trending", "Drama", null],
      ["c", "exploration", "Jazz", "fresh"],
    ]);
    expect(servedItem(packed, "c")).toEqual({ category: "Jazz", exploration_source: "fresh" });
    expect(servedItem(packed, "z")).toBeUndefined();
    expect(unpackServedItems("not json")).toEqual([]);
  });

  it("lists distinct items newest response first, each where it was last served, in position order", () => {
    const rows = [
      {
        items: packServedItems([
          { itemId: "d", position: 0, source: "ann" },
          { itemId: "a", position: 1, source: "ann" },
        ]),
      },
      {
        items: packServedItems([
          { itemId: "b", position: 1, source: "ann" },
          { itemId: "a", position: 0, source: "ann" },
          { itemId: "c", position: 2, source: "ann" },
        ]),
      },
    ];
    expect(newestServed(rows, 10)).toEqual(["d", "a", "b", "c"]);
    expect(newestServed(rows, 3)).toEqual(["d", "a", "b"]);
    expect(newestServed(rows, 0)).toEqual([]);
    expect(newestServed([], 5)).toEqual([]);
  });

  it("stops reading rows once the limit is reached", () => {
    let read = 0;
    function* rows() {
      for (let response = 0; response < 100; response++) {
        read++;
        yield { items: packServedItems([{ itemId: `i-${response}`, position: 0, source: "ann" }]) };
      }
    }
    expect(newestServed(rows(), 3)).toEqual(["i-0", "i-1", "i-2"]);
    expect(read).toBe(3);
  });

  it("cuts at the newest row that no longer fits the bound (rows are whole responses)", () => {
    const rows = [
      { id: 5, n: 10 },
      { id: 4, n: 10 },
      { id: 3, n: 5 },
      { id: 2, n: 10 },
      { id: 1, n: 10 },
    ];
    expect(pruneCutoff(rows, 100)).toBeNull();
    expect(pruneCutoff(rows, 25)).toBe(2);
    expect(pruneCutoff(rows, 24)).toBe(3);
    expect(pruneCutoff(rows, 0)).toBe(5);
  });
});

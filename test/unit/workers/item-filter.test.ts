import { describe, expect, it } from "vitest";
import { type Candidate, mergeCandidates, unionFilter } from "../../../workers/candidates/candidate";

const candidate = (itemId: string, source: Candidate["source"] = "ann"): Candidate => ({ itemId, source, retrievalScore: 0 });

describe("unionFilter", () => {
  it("excludes what any of its sets holds, without copying them (a later change to a set shows)", () => {
    const seen = new Set(["a"]);
    const blocked = new Set(["b"]);
    const filter = unionFilter(seen, blocked);
    expect(["a", "b", "c"].map((id) => filter.has(id))).toEqual([true, true, false]);
    blocked.add("c");
    expect(filter.has("c")).toBe(true);
    expect(unionFilter().has("a")).toBe(false);
  });

  it("filters merged candidate lists, keeping the first source of each item", () => {
    const merged = mergeCandidates(
      [
        [candidate("a"), candidate("x"), candidate("b")],
        [candidate("x", "trending"), candidate("y", "trending")],
      ],
      unionFilter(new Set(["a"]), new Set(["y"])),
    );
    expect(merged.map((c) => [c.itemId, c.source])).toEqual([
      ["x", "ann"],
      ["b", "ann"],
    ]);
  });
});

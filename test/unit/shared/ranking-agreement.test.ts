/** Ranking agreement on hand-computed cases. */
import { describe, expect, it } from "vitest";
import { rankingAgreement } from "../../../shared/ranking/ranking-agreement";

describe("rankingAgreement", () => {
  it("is perfect for the same order and inverted for the reverse", () => {
    expect(rankingAgreement([4, 3, 2, 1], [40, 30, 20, 10], 2)).toEqual({ overlapAtK: 1, kendallTau: 1, k: 2 });
    expect(rankingAgreement([4, 3, 2, 1], [1, 2, 3, 4], 2)).toEqual({ overlapAtK: 0, kendallTau: -1, k: 2 });
  });

  it("counts one swapped pair out of six", () => {
    // orders a: 0 1 2 3, b: 1 0 2 3 → 5 concordant, 1 discordant → τ = 4/6
    const result = rankingAgreement([4, 3, 2, 1], [3, 4, 2, 1], 2);
    expect(result.kendallTau).toBeCloseTo(4 / 6, 10);
    expect(result.overlapAtK).toBe(1);
  });

  it("rejects lists of different lengths and handles tiny ones", () => {
    expect(() => rankingAgreement([1], [1, 2])).toThrow(RangeError);
    expect(rankingAgreement([], [])).toEqual({ overlapAtK: 1, kendallTau: 1, k: 0 });
  });
});

import { describe, expect, it } from "vitest";
import { catalogCoverage } from "../../../shared/metrics/catalog-coverage";
import { intraListDiversity } from "../../../shared/metrics/intra-list-diversity";
import { novelty } from "../../../shared/metrics/novelty";

describe("beyond-accuracy metrics", () => {
  it("catalogue coverage counts distinct recommended items over the catalogue", () => {
    expect(catalogCoverage([[1, 2], [2, 3], [3]], 10)).toBeCloseTo(0.3, 12);
    expect(catalogCoverage([], 10)).toBe(0);
    expect(catalogCoverage([[1]], 0)).toBe(0);
  });

  it("novelty is the mean self-information −log2(users of item / users) of every slot", () => {
    // 8 users; item 0 seen by 8 (0 bits), item 1 by 2 (2 bits), item 2 by 1 (3 bits).
    const itemUsers = [8, 2, 1, 0];
    expect(novelty([[0, 1], [2]], itemUsers, 8)).toBeCloseTo((0 + 2 + 3) / 3, 12);
    // An item nobody interacted with counts as seen once (the most novel observed value).
    expect(novelty([[3]], itemUsers, 8)).toBeCloseTo(3, 12);
    expect(novelty([], itemUsers, 8)).toBe(0);
  });

  it("intra-list diversity averages 1 − similarity over each list's pairs, then over lists", () => {
    const sim = (a: number, b: number) => (Math.floor(a / 10) === Math.floor(b / 10) ? 1 : 0);
    // List 1: pairs (1,2) same group, (1,11) and (2,11) different → 2/3. List 2: all different → 1.
    // A one-item list has no pairs and is skipped.
    expect(intraListDiversity([[1, 2, 11], [1, 21], [5]], sim)).toBeCloseTo((2 / 3 + 1) / 2, 12);
    expect(intraListDiversity([[1]], sim)).toBe(0);
  });
});

/** TopKSelector: the bounded heap returns exactly what a full sort would. */
import { describe, expect, it } from "vitest";
import { createRng } from "../../../shared/math/random";
import { TopKSelector } from "../../../shared/math/top-k-selector";

describe("TopKSelector", () => {
  it("matches a full sort on seeded random keys for many k", () => {
    const rng = createRng(23);
    for (const n of [0, 1, 7, 100, 5000]) {
      const keys = Array.from({ length: n }, () => Math.round(rng.normal() * 50) / 10);
      for (const k of [1, 2, 10, 100]) {
        const selector = new TopKSelector(k);
        keys.forEach((key, item) => {
          selector.push(item, key);
        });
        const expected = keys
          .map((key, item) => ({ item, key }))
          .sort((a, b) => b.key - a.key || a.item - b.item)
          .slice(0, k);
        expect(selector.sorted(), `n=${n} k=${k}`).toEqual(expected);
        expect(selector.size).toBe(Math.min(k, n));
      }
    }
  });

  it("breaks ties with the given order", () => {
    const names = ["delta", "alpha", "charlie", "bravo"];
    const selector = new TopKSelector(3, (a, b) => names[a]!.localeCompare(names[b]!));
    names.forEach((_, item) => {
      selector.push(item, 1);
    });
    expect(selector.sorted().map(({ item }) => names[item])).toEqual(["alpha", "bravo", "charlie"]);
  });

  it("refuses a k below 1", () => {
    expect(() => new TopKSelector(0)).toThrow(RangeError);
  });
});

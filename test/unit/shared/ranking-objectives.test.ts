/** combineObjectives: the weighted mean over the objectives present, with sums worked out by hand. */
import { describe, expect, it } from "vitest";
import { combineObjectives, DEFAULT_OBJECTIVE_WEIGHTS } from "../../../shared/ranking/ranking-objectives";

describe("combineObjectives", () => {
  it("weighs each present objective by its business weight and divides by their total", () => {
    expect(combineObjectives({ click: 0.5, engage: 0.2 })).toBeCloseTo((1 * 0.5 + 2 * 0.2) / 3, 12);
    expect(combineObjectives({ click: 0.5, engage: 0.2, purchase: 0.05 })).toBeCloseTo((0.5 + 0.4 + 0.2) / 7, 12);
    expect(combineObjectives({ click: 0.3, purchase: 0.1 }, { click: 3, purchase: 1 })).toBeCloseTo((0.9 + 0.1) / 4, 12);
  });

  it("returns a single objective's probability unchanged", () => {
    expect(combineObjectives({ engage: 0.37 })).toBe(0.37);
  });

  it("counts click, engage and purchase as 1, 2 and 4 by default", () => {
    expect(DEFAULT_OBJECTIVE_WEIGHTS).toEqual({ click: 1, engage: 2, purchase: 4 });
  });

  it("refuses a present objective without a usable weight, and weights that sum to 0", () => {
    expect(() => combineObjectives({ click: 0.5, engage: 0.1 }, { click: 1 })).toThrow(/"engage" needs a finite, non-negative weight/);
    expect(() => combineObjectives({ click: 0.5 }, { click: -1 })).toThrow(RangeError);
    expect(() => combineObjectives({ click: 0.5 }, { click: 0 })).toThrow(/no positive weight/);
    expect(() => combineObjectives({})).toThrow(/no positive weight/);
  });
});

import { describe, expect, it } from "vitest";
import { categoryEffects } from "../../../../shared/session/category-effects";
import { itemStateDelta } from "../../../../shared/session/item-state-delta";

describe("itemStateDelta", () => {
  it("counts an impression as exposure only", () => {
    expect(itemStateDelta("impression")).toEqual({ impressions: 1, interactions: 0, positive: 0, negative: 0, hidden: 0 });
  });

  it("adds a positive event's weight to the positive signal", () => {
    expect(itemStateDelta("purchase")).toEqual({ impressions: 0, interactions: 1, positive: 5, negative: 0, hidden: 0 });
  });

  it("hides on not_interested and hide, but not on a skip", () => {
    expect(itemStateDelta("not_interested")).toEqual({ impressions: 0, interactions: 1, positive: 0, negative: 4, hidden: 1 });
    expect(itemStateDelta("hide")).toMatchObject({ negative: 5, hidden: 1 });
    expect(itemStateDelta("skip")).toMatchObject({ negative: 1, hidden: 0 });
  });
});

describe("categoryEffects", () => {
  const fresh = { credited_trials: 0, rewarded: 0 };

  it("has no effect on an item of unknown category", () => {
    expect(categoryEffects("like", "", fresh, "fresh")).toEqual({ affinity: 0, arms: [], trials: 0, successes: 0 });
  });

  it("counts an impression as a trial of the category and of the exploration source", () => {
    expect(categoryEffects("impression", "Drama", fresh, "fresh")).toEqual({
      affinity: 0,
      arms: ["category:Drama", "source:fresh"],
      trials: 1,
      successes: 0,
    });
  });

  it("counts the first positive event as a success, with a trial only when no impression was credited", () => {
    expect(categoryEffects("click", "Drama", fresh, null)).toEqual({ affinity: 1, arms: ["category:Drama"], trials: 1, successes: 1 });
    expect(categoryEffects("click", "Drama", { credited_trials: 1, rewarded: 0 }, null)).toEqual({
      affinity: 1,
      arms: ["category:Drama"],
      trials: 0,
      successes: 1,
    });
  });

  it("credits no second success for the same item, but still moves the affinity", () => {
    expect(categoryEffects("like", "Drama", { credited_trials: 1, rewarded: 1 }, "fresh")).toEqual({
      affinity: 4,
      arms: [],
      trials: 0,
      successes: 0,
    });
  });

  it("counts a negative event without an impression as a failed trial, and after one as nothing", () => {
    expect(categoryEffects("hide", "Horror", fresh, null)).toEqual({ affinity: -5, arms: ["category:Horror"], trials: 1, successes: 0 });
    expect(categoryEffects("skip", "Horror", { credited_trials: 1, rewarded: 0 }, null)).toEqual({
      affinity: -1,
      arms: [],
      trials: 0,
      successes: 0,
    });
  });

  it("weighs an event's value as the offline pipeline does: a 1★ rating is negative, a 5★ one a success", () => {
    expect(categoryEffects("rating", "Drama", fresh, null, { value: 1 })).toEqual({
      affinity: -2,
      arms: ["category:Drama"],
      trials: 1,
      successes: 0,
    });
    expect(categoryEffects("rating", "Drama", fresh, null, { value: 5 })).toEqual({
      affinity: 3,
      arms: ["category:Drama"],
      trials: 1,
      successes: 1,
    });
  });

  it("credits no arm when the item has no row", () => {
    expect(categoryEffects("click", "Drama", undefined, null)).toEqual({ affinity: 1, arms: [], trials: 0, successes: 0 });
  });
});

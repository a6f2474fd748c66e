import { describe, expect, it } from "vitest";
import { DEFAULT_EVENT_WEIGHTS, EventWeightsError, eventSignal, eventWeight, parseEventWeights } from "../../../shared/events/event-weight";
import { EVENT_TYPES } from "../../../shared/events/interaction-event";
import { manifestEventWeights } from "../../../shared/artifacts/model-manifest";
import { categoryEffects } from "../../../shared/session/category-effects";
import { itemStateDelta } from "../../../shared/session/item-state-delta";

describe("eventSignal (the default weight table)", () => {
  it("gives every type its per-type weight when the event has no value", () => {
    for (const type of EVENT_TYPES) expect(eventSignal(type)).toBe(eventWeight[type]);
    expect(DEFAULT_EVENT_WEIGHTS.types).toEqual(eventWeight);
  });

  it("maps ratings: ≥ 4 positive growing with the stars, 3 weak, ≤ 2 negative", () => {
    expect([5, 4.5, 4, 3, 2.5, 2, 1, 0.5].map((stars) => eventSignal("rating", stars))).toEqual([3, 2.5, 2, 0.5, 0.5, -1, -2, -2.5]);
  });

  it("turns negative ratings off with negative_at_most null", () => {
    const weights = parseEventWeights({ rating: { negative_at_most: null } });
    expect([5, 3, 1].map((stars) => eventSignal("rating", stars, weights))).toEqual([3, 0.5, 0.5]);
  });

  it("scales a view by dwell: nothing under 5 s, then 1 + log₂(1 + s/60) up to max_factor (default 1: scaling off)", () => {
    expect(eventSignal("view", 4_999)).toBe(0);
    expect(eventSignal("view", 5_000)).toBe(1);
    expect(eventSignal("view", 600_000)).toBe(1);
    const capped = parseEventWeights({ dwell: { max_factor: 1.5 } });
    expect(eventSignal("view", 15_000, capped)).toBeCloseTo(1 + Math.log2(1.25), 12);
    expect(eventSignal("view", 600_000, capped)).toBe(1.5);
    const uncapped = parseEventWeights({ dwell: { max_factor: 4 } });
    expect(eventSignal("view", 60_000, uncapped)).toBe(2);
    expect(eventSignal("view", 180_000, uncapped)).toBe(3);
    expect(eventSignal("view", 3_600_000, uncapped)).toBe(4);
  });

  it("reads completion: a complete counts in full from 90 %, a skip less the more was consumed", () => {
    expect(eventSignal("complete", 1)).toBe(3);
    expect(eventSignal("complete", 0.9)).toBe(3);
    expect(eventSignal("complete", 0.45)).toBe(1.5);
    expect(eventSignal("skip", 0)).toBe(-1);
    expect(eventSignal("skip", 0.3)).toBeCloseTo(-0.7, 12);
  });

  it("keeps negatives negative and ignores values of types without one", () => {
    expect(eventSignal("hide")).toBe(-5);
    expect(eventSignal("not_interested", 123)).toBe(-4);
    expect(eventSignal("purchase", 99)).toBe(5);
    expect(eventSignal("impression", 10)).toBe(0);
  });

  it("feeds the session's item rows: a 1-star rating adds to the negative side", () => {
    expect(itemStateDelta("rating")).toMatchObject({ positive: 2, negative: 0 });
    expect(itemStateDelta("rating", 1)).toMatchObject({ positive: 0, negative: 2, hidden: 0 });
    expect(itemStateDelta("hide")).toEqual({ impressions: 0, interactions: 1, positive: 0, negative: 5, hidden: 1 });
  });
});

describe("parseEventWeights", () => {
  it("merges a partial table over the default", () => {
    const weights = parseEventWeights({ types: { hide: -8 }, rating: { positive_at_least: 5 }, description: "why" });
    expect(weights.types).toEqual({ ...eventWeight, hide: -8 });
    expect(weights.rating).toEqual({ ...DEFAULT_EVENT_WEIGHTS.rating, positive_at_least: 5 });
    expect(weights.dwell).toEqual(DEFAULT_EVENT_WEIGHTS.dwell);
  });

  it("names every bad path: unknown keys, wrong types, out-of-range values", () => {
    const error = (json: unknown) => {
      try {
        parseEventWeights(json);
      } catch (e) {
        expect(e).toBeInstanceOf(EventWeightsError);
        return (e as Error).message;
      }
      throw new Error("expected an error");
    };
    expect(error({ types: { clik: 1 } })).toMatch(/types: Unrecognized key: "clik"/);
    expect(error({ weights: {} })).toMatch(/\(root\): Unrecognized key: "weights"/);
    expect(error({ types: { view: "1" } })).toMatch(/^types\.view: /);
    expect(error({ dwell: { reference_seconds: 0 } })).toMatch(/^dwell\.reference_seconds: /);
    expect(error({ completion: { full_at: 1.5 } })).toMatch(/^completion\.full_at: /);
    expect(error([])).toMatch(/^\(root\): /);
  });

  it("refuses a positive weight on negative feedback, a negative one on a positive type, and crossed rating thresholds", () => {
    expect(() => parseEventWeights({ types: { hide: 3 } })).toThrow(/types\.hide: 3 — hide is negative feedback/);
    expect(() => parseEventWeights({ types: { like: -1 } })).toThrow(/types\.like: -1 — like is not negative feedback/);
    expect(() => parseEventWeights({ rating: { negative_at_most: 4 } })).toThrow(
      /rating\.negative_at_most: 4 must be below rating\.positive_at_least \(4\)/,
    );
  });
});

describe("the serving release's table (manifestEventWeights)", () => {
  const weights = parseEventWeights({ types: { click: 0, hide: -8 } });

  it("is the manifest's recorded table, and the default for a manifest without one or none at all", () => {
    expect(manifestEventWeights({ eventWeights: { source: "w.json", weights } })).toEqual(weights);
    expect(manifestEventWeights({})).toBe(DEFAULT_EVENT_WEIGHTS);
    expect(manifestEventWeights(null)).toBe(DEFAULT_EVENT_WEIGHTS);
  });

  it("rejects a recorded table the schema refuses, naming the path", () => {
    const bad = { ...weights, types: { ...weights.types, hide: 2 } };
    expect(() => manifestEventWeights({ eventWeights: { source: "w.json", weights: bad } })).toThrow(/types\.hide: 2/);
  });

  it("changes what a click does to the item row and the category: click = 0 is exposure only", () => {
    const fresh = { credited_trials: 0, rewarded: 0 };
    expect(itemStateDelta("click", undefined, weights)).toMatchObject({ interactions: 1, positive: 0, negative: 0 });
    expect(categoryEffects("click", "Drama", fresh, null, { weights })).toEqual({ affinity: 0, arms: [], trials: 0, successes: 0 });
    expect(itemStateDelta("hide", undefined, weights)).toMatchObject({ negative: 8, hidden: 1 });
    expect(categoryEffects("click", "Drama", fresh, null)).toEqual({ affinity: 1, arms: ["category:Drama"], trials: 1, successes: 1 });
  });
});

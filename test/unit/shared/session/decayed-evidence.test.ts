import { describe, expect, it } from "vitest";
import { DAY_MS } from "../../../../shared/realtime/decay-factor";
import { decayedAdd } from "../../../../shared/session/decayed-add";
import { addToAffinity, addToArm, affinityAt, armsAt } from "../../../../shared/session/decayed-evidence";

describe("decayedAdd", () => {
  it("decays the stored value forward to a newer observation, then adds it", () => {
    expect(decayedAdd(4, 0, 1, DAY_MS, DAY_MS)).toEqual([3, DAY_MS]);
    expect(decayedAdd(8, 0, 0, 3 * DAY_MS, DAY_MS)).toEqual([1, 3 * DAY_MS]);
  });

  it("decays an older observation back to the stored time before adding it", () => {
    expect(decayedAdd(4, 2 * DAY_MS, 4, 0, DAY_MS)).toEqual([5, 2 * DAY_MS]);
  });

  it("adds without decay at the same instant or without a half-life", () => {
    expect(decayedAdd(2, 5, 3, 5, DAY_MS)).toEqual([5, 5]);
    expect(decayedAdd(2, 0, 3, 100 * DAY_MS, 0)).toEqual([5, 100 * DAY_MS]);
  });
});

describe("affinity and arm rows", () => {
  const halfLife14 = 14 * DAY_MS;
  const halfLife30 = 30 * DAY_MS;

  it("starts a new category at the event's weight and time", () => {
    expect(addToAffinity(undefined, "Drama", -4, 1000)).toEqual({ category: "Drama", score: -4, updated_ts: 1000 });
  });

  it("halves the affinity every 14 days", () => {
    const row = addToAffinity({ category: "Drama", score: 6, updated_ts: 0 }, "Drama", 1, halfLife14);
    expect(row).toEqual({ category: "Drama", score: 4, updated_ts: halfLife14 });
    expect(affinityAt([row], 2 * halfLife14)).toEqual({ Drama: 2 });
    // A read before the row's time does not grow it.
    expect(affinityAt([row], 0)).toEqual({ Drama: 4 });
  });

  it("decays an arm's successes and trials together with a 30-day half-life", () => {
    const row = addToArm({ arm: "category:Drama", successes: 2, trials: 4, updated_ts: 0 }, "category:Drama", 1, 1, halfLife30);
    expect(row).toEqual({ arm: "category:Drama", successes: 2, trials: 3, updated_ts: halfLife30 });
    expect(armsAt([row], 2 * halfLife30)).toEqual([{ arm: "category:Drama", successes: 1, trials: 1.5, updatedAt: halfLife30 }]);
  });
});

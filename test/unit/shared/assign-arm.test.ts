/** A/B assignment: deterministic, stable, independent across experiments, evenly spread. */
import { describe, expect, it } from "vitest";
import { assignArm, type Experiment } from "../../../shared/experiments/assign-arm";
import { hashToUnit } from "../../../shared/math/hash-to-unit";

const experiment: Experiment = {
  id: "ranker-v2",
  traffic: 0.5,
  arms: [
    { name: "control", weight: 1 },
    { name: "treatment", weight: 1 },
  ],
};
const users = Array.from({ length: 20_000 }, (_, i) => `u${String(i).padStart(5, "0")}`);

describe("assignArm", () => {
  it("is stable: the same user always gets the same arm", () => {
    for (const user of users.slice(0, 200)) expect(assignArm(user, experiment)).toBe(assignArm(user, experiment));
  });

  it("puts the traffic share in the experiment and splits arms by weight (±2 %)", () => {
    const counts = new Map<string | null, number>();
    for (const user of users) {
      const arm = assignArm(user, experiment);
      counts.set(arm, (counts.get(arm) ?? 0) + 1);
    }
    expect((counts.get(null) ?? 0) / users.length).toBeCloseTo(0.5, 1);
    expect(Math.abs((counts.get("control") ?? 0) / users.length - 0.25)).toBeLessThan(0.02);
    expect(Math.abs((counts.get("treatment") ?? 0) / users.length - 0.25)).toBeLessThan(0.02);
  });

  it("honours unequal weights", () => {
    const skewed: Experiment = {
      id: "mmr",
      traffic: 1,
      arms: [
        { name: "a", weight: 3 },
        { name: "b", weight: 1 },
      ],
    };
    const a = users.filter((user) => assignArm(user, skewed) === "a").length / users.length;
    expect(Math.abs(a - 0.75)).toBeLessThan(0.02);
  });

  it("assigns independently across experiments", () => {
    const other: Experiment = { ...experiment, id: "explore-share", traffic: 1 };
    const both = users.filter(
      (user) => assignArm(user, { ...experiment, traffic: 1 }) === "control" && assignArm(user, other) === "control",
    );
    expect(Math.abs(both.length / users.length - 0.25)).toBeLessThan(0.02);
  });

  it("maps nobody at traffic 0 and everybody at traffic 1", () => {
    expect(users.slice(0, 500).every((user) => assignArm(user, { ...experiment, traffic: 0 }) === null)).toBe(true);
    expect(users.slice(0, 500).every((user) => assignArm(user, { ...experiment, traffic: 1 }) !== null)).toBe(true);
  });
});

describe("hashToUnit", () => {
  it("spreads sequential ids uniformly over [0, 1) (10 buckets within ±10 %)", () => {
    const buckets = new Array(10).fill(0);
    for (const user of users) buckets[Math.floor(hashToUnit(user) * 10)]++;
    for (const count of buckets) expect(Math.abs(count - users.length / 10)).toBeLessThan(users.length / 100);
  });
});

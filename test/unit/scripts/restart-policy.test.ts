/** The restart backoff of `npm start`'s supervisor: each delay checked exactly, the cap, and the reset after a stable run. */
import { describe, expect, it } from "vitest";
import { createRestartPolicy } from "../../../scripts/restart-policy";

/** Starts at `at`, exits `uptime` ms later; returns the decision. */
function crashAfter(policy: ReturnType<typeof createRestartPolicy>, at: number, uptime: number) {
  policy.started(at);
  return policy.exited(at + uptime);
}

describe("createRestartPolicy", () => {
  it("waits 0.5 s, then doubles for each crash in a row up to the 10 s cap", () => {
    const policy = createRestartPolicy();
    const delays: number[] = [];
    let t = 0;
    for (let crash = 0; crash < 8; crash++) {
      const { delayMs } = crashAfter(policy, t, 100);
      delays.push(delayMs);
      t += 100 + delayMs;
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });

  it("counts crashes in a row and reports how long the run lasted", () => {
    const policy = createRestartPolicy();
    expect(crashAfter(policy, 0, 1234)).toEqual({ delayMs: 500, uptimeMs: 1234, consecutiveCrashes: 1 });
    expect(crashAfter(policy, 2000, 10)).toEqual({ delayMs: 1000, uptimeMs: 10, consecutiveCrashes: 2 });
  });

  it("resets the backoff after a run of exactly 60 s, but not of 59.999 s", () => {
    const policy = createRestartPolicy();
    for (let i = 0; i < 4; i++) crashAfter(policy, i * 100_000, 10);
    expect(crashAfter(policy, 1_000_000, 59_999)).toMatchObject({ delayMs: 8000, consecutiveCrashes: 5 });
    expect(crashAfter(policy, 2_000_000, 60_000)).toEqual({ delayMs: 500, uptimeMs: 60_000, consecutiveCrashes: 1 });
    expect(crashAfter(policy, 3_000_000, 10)).toMatchObject({ delayMs: 1000, consecutiveCrashes: 2 });
  });

  it("follows its options", () => {
    const policy = createRestartPolicy({ initialDelayMs: 100, factor: 3, maxDelayMs: 1000, stableAfterMs: 5000 });
    expect([0, 1, 2, 3].map((i) => crashAfter(policy, i * 10_000, 1).delayMs)).toEqual([100, 300, 900, 1000]);
    expect(crashAfter(policy, 100_000, 5000).delayMs).toBe(100);
  });
});

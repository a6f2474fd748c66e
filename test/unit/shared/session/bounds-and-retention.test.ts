import { describe, expect, it } from "vitest";
import { retentionDeadline } from "../../../../shared/session/retention-deadline";
import { BOUNDS_CHECK_EVERY, boundsCheckDue, rowsOverBound } from "../../../../shared/session/rows-over-bound";

describe("rowsOverBound", () => {
  it("prunes nothing up to bound + slack, then everything above the bound", () => {
    expect(rowsOverBound(1000, 1000, 100)).toBe(0);
    expect(rowsOverBound(1100, 1000, 100)).toBe(0);
    expect(rowsOverBound(1101, 1000, 100)).toBe(101);
  });

  it("prunes right past the bound without slack", () => {
    expect(rowsOverBound(10, 10)).toBe(0);
    expect(rowsOverBound(11, 10)).toBe(1);
  });
});

describe("boundsCheckDue", () => {
  it(`checks the counted bounds once ${BOUNDS_CHECK_EVERY} events were appended, then starts counting again`, () => {
    expect(boundsCheckDue(0, BOUNDS_CHECK_EVERY - 1)).toEqual({ due: false, appendedSince: BOUNDS_CHECK_EVERY - 1 });
    expect(boundsCheckDue(BOUNDS_CHECK_EVERY - 1, 1)).toEqual({ due: true, appendedSince: 0 });
    expect(boundsCheckDue(10, 500)).toEqual({ due: true, appendedSince: 0 });
  });
});

describe("retentionDeadline", () => {
  const periods = { userMs: 10_000, strangerMs: 100 };

  it("deletes an active user's state the retention period after the last activity, whatever was served", () => {
    expect(retentionDeadline(5_000, 9_000, periods)).toBe(15_000);
    expect(retentionDeadline(5_000, null, periods)).toBe(15_000);
  });

  it("deletes what was served to a stranger the stranger period after the last exposure", () => {
    expect(retentionDeadline(null, 9_000, periods)).toBe(9_100);
  });

  it("is due at once for an object holding neither", () => {
    expect(retentionDeadline(null, null, periods)).toBe(100);
  });
});

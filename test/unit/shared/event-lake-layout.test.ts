/** The event lake's object names: partitions by UTC hour, suffixes by compression, parsed back. */
import { describe, expect, it } from "vitest";
import { lakeObjectKey, lakeObjectSuffix, lakePartition, parseLakeObjectKey } from "../../../shared/events/event-lake-layout";

describe("event lake layout", () => {
  it("partitions by the UTC date and hour", () => {
    expect(lakePartition(Date.UTC(2026, 11, 31, 23, 59, 59, 999))).toBe("dt=2026-12-31/hour=23");
    expect(lakePartition(Date.UTC(2027, 0, 1, 0, 0))).toBe("dt=2027-01-01/hour=00");
  });

  it("names objects and parses the names back", () => {
    const at = Date.UTC(2026, 0, 31, 17, 5, 1, 123);
    const gz = lakeObjectKey(at, "abc", "events", lakeObjectSuffix("gzip"));
    expect(gz).toBe(`events/dt=2026-01-31/hour=17/${at}-abc.ndjson.gz`);
    expect(parseLakeObjectKey(gz)).toEqual({ hourStart: Date.UTC(2026, 0, 31, 17), compression: "gzip" });
    expect(parseLakeObjectKey(lakeObjectKey(at, "abc", "events", lakeObjectSuffix("none")))).toEqual({
      hourStart: Date.UTC(2026, 0, 31, 17),
      compression: "none",
    });
  });

  it("does not take other keys for event objects", () => {
    expect(parseLakeObjectKey("tombstones/u1.json")).toBeUndefined();
    expect(parseLakeObjectKey("dead-letter/dt=2026-01-31/hour=17/1-x.json")).toBeUndefined();
    expect(parseLakeObjectKey("events/dt=2026-01-31/17/1-x.ndjson")).toBeUndefined();
  });
});

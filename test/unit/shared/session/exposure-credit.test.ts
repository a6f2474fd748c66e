import { describe, expect, it } from "vitest";
import { eventCategory, exposureCreditColumn } from "../../../../shared/session/exposure-credit";

describe("exposureCreditColumn", () => {
  it("credits clicks and conversions that echo a request id", () => {
    expect(exposureCreditColumn("click", "req-1")).toBe("clicked");
    expect(exposureCreditColumn("view", "req-1")).toBe("clicked");
    expect(exposureCreditColumn("purchase", "req-1")).toBe("converted");
    expect(exposureCreditColumn("like", "req-1")).toBe("converted");
  });

  it("credits nothing without a request id, for impressions or for negative events", () => {
    expect(exposureCreditColumn("click", undefined)).toBeNull();
    expect(exposureCreditColumn("click", "")).toBeNull();
    expect(exposureCreditColumn("impression", "req-1")).toBeNull();
    expect(exposureCreditColumn("hide", "req-1")).toBeNull();
  });
});

describe("eventCategory", () => {
  it("prefers the item's stored category over the one it was served under", () => {
    expect(eventCategory("Drama", "Comedy")).toBe("Drama");
  });

  it("uses the served category while the item's is not looked up or unknown", () => {
    expect(eventCategory(null, "Comedy")).toBe("Comedy");
    expect(eventCategory("", "Comedy")).toBe("Comedy");
    expect(eventCategory(undefined, "Comedy")).toBe("Comedy");
  });

  it("is '' for an item known to have none, and null (look it up) otherwise", () => {
    expect(eventCategory("", null)).toBe("");
    expect(eventCategory(null, null)).toBeNull();
    expect(eventCategory(undefined, undefined)).toBeNull();
  });
});

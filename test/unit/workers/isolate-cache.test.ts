import { describe, expect, it } from "vitest";
import {
  BINDING_TARGET,
  cached,
  invalidateIsolateCache,
  ISOLATE_CACHE_MAX_ENTRIES,
  keepInIsolateCache,
  peekIsolateCache,
} from "../../../workers/store/isolate-cache";

/** A clock the test moves by hand. */
function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** A loader that counts its calls and answers the next value of `values`. */
function loader<T>(...values: T[]) {
  let calls = 0;
  return {
    load: async () => values[Math.min(calls++, values.length - 1)]!,
    get calls() {
      return calls;
    },
  };
}

describe("isolate cache", () => {
  it("serves a loaded value until its TTL ends, then loads again", async () => {
    const binding = {};
    const time = clock();
    const source = loader("v1", "v2");
    expect(await cached(binding, "k", 5_000, source.load, time.now)).toBe("v1");
    time.advance(4_999);
    expect(await cached(binding, "k", 5_000, source.load, time.now)).toBe("v1");
    expect(source.calls).toBe(1);
    time.advance(1);
    expect(await cached(binding, "k", 5_000, source.load, time.now)).toBe("v2");
    expect(source.calls).toBe(2);
  });

  it("keeps null (an absent key) like any value, and never keeps a failed load", async () => {
    const binding = {};
    const absent = loader<string | null>(null, "late");
    expect(await cached(binding, "missing", 5_000, absent.load)).toBeNull();
    expect(await cached(binding, "missing", 5_000, absent.load)).toBeNull();
    expect(absent.calls).toBe(1);

    let attempts = 0;
    const flaky = async () => {
      attempts++;
      if (attempts === 1) throw new Error("KV down");
      return "ok";
    };
    await expect(cached(binding, "flaky", 5_000, flaky)).rejects.toThrow("KV down");
    expect(await cached(binding, "flaky", 5_000, flaky)).toBe("ok");
    expect(attempts).toBe(2);
  });

  it("always loads with a TTL of 0", async () => {
    const source = loader(1, 2, 3);
    const binding = {};
    await cached(binding, "k", 0, source.load);
    await cached(binding, "k", 0, source.load);
    expect(source.calls).toBe(2);
    expect(peekIsolateCache(binding, "k")).toBeUndefined();
  });

  it("drops invalidated keys at once, or every key of the binding", async () => {
    const binding = {};
    keepInIsolateCache(binding, "a", 1, 60_000);
    keepInIsolateCache(binding, "b", 2, 60_000);
    invalidateIsolateCache(binding, "a");
    expect(peekIsolateCache(binding, "a")).toBeUndefined();
    expect(peekIsolateCache(binding, "b")).toBe(2);
    invalidateIsolateCache(binding);
    expect(peekIsolateCache(binding, "b")).toBeUndefined();
  });

  it("keeps one cache per binding, shared by wrappers that name it through BINDING_TARGET", () => {
    const kv = {};
    const other = {};
    const wrapper = { [BINDING_TARGET]: kv };
    keepInIsolateCache(kv, "k", "kv's", 60_000);
    expect(peekIsolateCache(wrapper, "k")).toBe("kv's");
    expect(peekIsolateCache(other, "k")).toBeUndefined();
    invalidateIsolateCache(wrapper, "k");
    expect(peekIsolateCache(kv, "k")).toBeUndefined();
  });

  it("evicts the oldest key once a binding holds the maximum", () => {
    const binding = {};
    for (let i = 0; i < ISOLATE_CACHE_MAX_ENTRIES; i++) keepInIsolateCache(binding, `k${i}`, i, 60_000);
    keepInIsolateCache(binding, "newest", -1, 60_000);
    expect(peekIsolateCache(binding, "k0")).toBeUndefined();
    expect(peekIsolateCache(binding, "k1")).toBe(1);
    expect(peekIsolateCache(binding, "newest")).toBe(-1);
  });
});

import { describe, expect, it } from "vitest";
import { ReadMemo } from "../../../../shared/session/read-memo";

describe("ReadMemo", () => {
  it("loads a key once until the next write", () => {
    let stored = 1;
    let loads = 0;
    const memo = new ReadMemo<number>();
    const read = () =>
      memo.get("k", () => {
        loads++;
        return stored;
      });
    expect([read(), read()]).toEqual([1, 1]);
    expect(loads).toBe(1);

    stored = 2;
    memo.invalidate();
    expect(read()).toBe(2);
    expect(loads).toBe(2);
  });

  it("keeps keys apart and drops all of them on a write", () => {
    const memo = new ReadMemo<string>();
    expect(memo.get("a", () => "a1")).toBe("a1");
    expect(memo.get("b", () => "b1")).toBe("b1");
    expect(memo.get("a", () => "a2")).toBe("a1");
    memo.invalidate();
    expect(memo.get("a", () => "a3")).toBe("a3");
    expect(memo.get("b", () => "b3")).toBe("b3");
  });

  it("holds at most maxEntries keys, dropping the oldest first", () => {
    const memo = new ReadMemo<number>(2);
    memo.get("a", () => 1);
    memo.get("b", () => 2);
    memo.get("c", () => 3);
    expect(memo.get("a", () => 10)).toBe(10);
    expect(memo.get("c", () => 30)).toBe(3);
  });

  it("caches nothing when the load throws", () => {
    const memo = new ReadMemo<number>();
    expect(() =>
      memo.get("k", () => {
        throw new Error("no table");
      }),
    ).toThrow("no table");
    expect(memo.get("k", () => 7)).toBe(7);
  });
});

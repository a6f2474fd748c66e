/** Small pieces behind the vector index: results across RPC, UTF-8 arithmetic, score direction. */
import { describe, expect, it } from "vitest";
import { similarityFromScore } from "../../../shared/vector-index/similarity-from-score";
import { compareUtf8, truncateUtf8, utf8ByteLength } from "../../../shared/vector-index/utf8";
import { VectorIndexError } from "../../../shared/vector-index/vector-index-error";
import { unwrapVectorIndexResult, vectorIndexResult } from "../../../shared/vector-index/vector-index-result";

describe("vector index results across RPC", () => {
  it("returns a VectorIndexError as plain data and rebuilds it with code and kind", async () => {
    const result = await vectorIndexResult(() => {
      throw new VectorIndexError("top_k_exceeded", "topK must be ≤ 20");
    });
    expect(structuredClone(result)).toEqual({
      ok: false,
      error: { code: "top_k_exceeded", message: "topK must be ≤ 20" },
    });
    const error = (() => {
      try {
        unwrapVectorIndexResult(structuredClone(result));
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(VectorIndexError);
    expect(error).toMatchObject({ code: "top_k_exceeded", kind: "caller", message: "topK must be ≤ 20" });
  });

  it("passes values through and lets other errors propagate", async () => {
    expect(unwrapVectorIndexResult(await vectorIndexResult(async () => 42))).toBe(42);
    await expect(vectorIndexResult(() => Promise.reject(new TypeError("bug")))).rejects.toThrow(TypeError);
  });

  it("turns an unknown code (version skew) into unavailable", () => {
    const skewed = { ok: false, error: { code: "quota_exceeded", message: "x" } } as never;
    expect(() => unwrapVectorIndexResult(skewed)).toThrow(expect.objectContaining({ code: "unavailable" }));
  });
});

describe("UTF-8 helpers", () => {
  it("counts bytes like TextEncoder", () => {
    for (const text of ["", "abc", "é", "€", "😀", "a😀é€", "\uD800x"]) {
      expect(utf8ByteLength(text), text).toBe(new TextEncoder().encode(text).length);
    }
  });

  it("truncates on character boundaries", () => {
    expect(truncateUtf8("é".repeat(40), 64)).toBe("é".repeat(32));
    expect(truncateUtf8(`${"a".repeat(63)}é`, 64)).toBe("a".repeat(63));
    expect(truncateUtf8(`${"a".repeat(62)}😀`, 64)).toBe("a".repeat(62));
    expect(truncateUtf8("short", 64)).toBe("short");
  });

  it("orders by code point", () => {
    const words = ["\u{1F600}", "\uFFFD", "b", "a", "ab", ""];
    const byBytes = (a: string, b: string) => {
      const x = new TextEncoder().encode(a);
      const y = new TextEncoder().encode(b);
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
      return x.length - y.length;
    };
    expect([...words].sort(compareUtf8)).toEqual([...words].sort(byBytes));
  });
});

describe("similarityFromScore", () => {
  it("makes every metric higher-is-better", () => {
    expect(similarityFromScore("cosine", 0.9)).toBe(0.9);
    expect(similarityFromScore("euclidean", 0.5)).toBe(-0.5);
    expect(similarityFromScore("dot-product", -3)).toBe(3);
  });
});

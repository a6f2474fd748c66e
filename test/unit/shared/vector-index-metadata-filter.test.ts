/** Metadata filter edge cases: missing properties, types, truncation, byte order, refusals. */
import { describe, expect, it } from "vitest";
import { indexedMetadata } from "../../../shared/vector-index/indexed-metadata";
import { matchesFilter, validateMetadataFilter } from "../../../shared/vector-index/metadata-filter";
import type { MetadataFilter, VectorMetadata } from "../../../shared/vector-index/vector-index";

const INDEXES = { genre: "string", year: "number", kids: "boolean", title: "string" } as const;
const match = (metadata: VectorMetadata | undefined, filter: unknown) => matchesFilter(metadata, filter as MetadataFilter, INDEXES);
const refusalUnder = (indexes: Record<string, "string" | "number" | "boolean"> | undefined, filter: unknown) => {
  try {
    validateMetadataFilter(filter as MetadataFilter, indexes);
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return "accepted";
};
const refusal = (filter: unknown) => refusalUnder(INDEXES, filter);

describe("matchesFilter", () => {
  it("treats a missing property as null", () => {
    expect(match({}, { genre: null })).toBe(true);
    expect(match({ genre: "drama" }, { genre: null })).toBe(false);
    expect(match({ genre: "drama" }, { genre: { $ne: null } })).toBe(true);
    expect(match(undefined, { genre: { $ne: "drama" } })).toBe(true);
    expect(match({}, { genre: { $nin: ["drama"] } })).toBe(true);
    expect(match({}, { genre: { $in: ["drama", null] } })).toBe(true);
    expect(match({}, { year: { $lt: 3000 } })).toBe(false);
    expect(match({}, { year: { $gte: -1 } })).toBe(false);
  });

  it("treats a value of another type than its index as not indexed", () => {
    expect(indexedMetadata({ year: "1994", genre: ["drama"], kids: 1 } as VectorMetadata, INDEXES)).toEqual({});
    expect(match({ year: "1994" }, { year: null })).toBe(true);
    expect(match({ year: "1994" }, { year: { $gte: 0 } })).toBe(false);
  });

  it("compares strictly: 1 is not '1' and true is not 1", () => {
    expect(match({ year: 1 }, { year: 1 })).toBe(true);
    expect(match({ kids: true }, { kids: true })).toBe(true);
    expect(match({ kids: true }, { kids: false })).toBe(false);
    expect(match({ kids: false }, { kids: { $ne: true } })).toBe(true);
  });

  it("matches long strings by their first 64 UTF-8 bytes, cut on a character boundary", () => {
    const title = `${"a".repeat(63)}€ and the rest`;
    expect(indexedMetadata({ title }, INDEXES)).toEqual({ title: "a".repeat(63) });
    expect(match({ title }, { title })).toBe(true);
    expect(match({ title }, { title: "a".repeat(63) })).toBe(true);
    expect(match({ title }, { title: { $in: [`${"a".repeat(63)}€ something else`] } })).toBe(true);
    expect(match({ title: "😀".repeat(17) }, { title: "😀".repeat(16) })).toBe(true);
  });

  it("orders strings by UTF-8 bytes in range filters", () => {
    expect(match({ title: "\u{1F600}" }, { title: { $gt: "\uFFFD" } })).toBe(true);
    expect(match({ title: "\uFFFD" }, { title: { $lt: "\u{1F600}" } })).toBe(true);
    expect(match({ title: "abc" }, { title: { $gte: "ab", $lt: "ac" } })).toBe(true);
    expect(match({ title: "ac" }, { title: { $gte: "ab", $lt: "ac" } })).toBe(false);
  });

  it("handles boundaries of every range operator", () => {
    const year = { year: 2000 };
    expect(match(year, { year: { $lt: 2000 } })).toBe(false);
    expect(match(year, { year: { $lte: 2000 } })).toBe(true);
    expect(match(year, { year: { $gt: 2000 } })).toBe(false);
    expect(match(year, { year: { $gte: 2000 } })).toBe(true);
    expect(match(year, { year: { $gt: 1999.5, $lt: 2000.5 } })).toBe(true);
  });

  it("ANDs fields and matches nothing with an empty $in", () => {
    expect(match({ genre: "drama", year: 2000 }, { genre: "drama", year: { $lt: 1990 } })).toBe(false);
    expect(match({ genre: "drama" }, { genre: { $in: [] } })).toBe(false);
    expect(match({ genre: "drama" }, { genre: { $nin: [] } })).toBe(true);
  });
});

describe("validateMetadataFilter", () => {
  it("accepts every operator in its valid shape", () => {
    for (const filter of [
      { genre: "drama" },
      { genre: null },
      { genre: { $eq: "drama" } },
      { genre: { $ne: null } },
      { genre: { $in: ["a", "b"] } },
      { genre: { $nin: ["a"] } },
      { year: { $lt: 1 } },
      { year: { $lte: 1 } },
      { year: { $gt: 1 } },
      { year: { $gte: 1, $lte: 2 } },
      { genre: { $gt: "a", $lt: "b" } },
    ]) {
      expect(refusal(filter), JSON.stringify(filter)).toBe("accepted");
    }
  });

  it("refuses what Vectorize refuses", () => {
    const filters: unknown[] = [
      null,
      [],
      {},
      { "": 1 },
      { 'ge"nre': "x" },
      { $and: [] },
      { genre: { $exists: true } },
      { genre: {} },
      { genre: ["drama"] },
      { genre: { $eq: ["drama"] } },
      { genre: { $in: "drama" } },
      { genre: { $in: [["drama"]] } },
      { year: { $lt: true } },
      { year: { $lt: null } },
      { year: Number.NaN },
      { year: { $eq: 1, $ne: 2 } },
      { year: { $lt: 1, $lte: 2 } },
      { year: { $gt: 1, $in: [1] } },
      { genre: "x".repeat(2048) },
    ];
    for (const filter of filters) expect(refusal(filter), JSON.stringify(filter)?.slice(0, 80)).toBe("invalid_filter");
  });

  it("refuses, more strictly than Vectorize, filters that could never match", () => {
    expect(refusal({ plot: "space" })).toBe("invalid_filter");
    expect(refusal({ "pandas.nice": 42 })).toBe("invalid_filter");
    expect(refusal({ year: "1994" })).toBe("invalid_filter");
    expect(refusal({ genre: { $in: ["drama", 1] } })).toBe("invalid_filter");
    expect(refusal({ kids: { $gt: 0 } })).toBe("invalid_filter");
  });

  it("checks only syntax and size when the metadata indexes are unknown", () => {
    expect(refusalUnder(undefined, { plot: "space" })).toBe("accepted");
    expect(refusalUnder(undefined, { year: "1994" })).toBe("accepted");
    expect(refusalUnder(undefined, { plot: { $regex: "x" } })).toBe("invalid_filter");
  });

  it("measures the 2048-byte limit on compact JSON in UTF-8 bytes", () => {
    const overhead = JSON.stringify({ genre: "" }).length;
    expect(refusal({ genre: "x".repeat(2048 - overhead) })).toBe("accepted");
    expect(refusal({ genre: "x".repeat(2049 - overhead) })).toBe("invalid_filter");
    expect(refusal({ genre: "é".repeat(1100) })).toBe("invalid_filter");
  });
});

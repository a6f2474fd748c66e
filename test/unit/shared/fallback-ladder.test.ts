/**
 * The fallback ladder is one table in code (shared/fallbacks/fallback-ladder.ts); docs/fallbacks.md
 * shows it between two markers. This test fails while the docs differ from the code (regenerate
 * with `npx tsx scripts/render-fallback-docs.ts`), and pins what the table itself must satisfy.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { FALLBACK_LADDER, type FallbackRung } from "../../../shared/fallbacks/fallback-ladder";
import {
  FALLBACK_TABLE_END,
  FALLBACK_TABLE_START,
  renderFallbackTable,
  withFallbackTable,
} from "../../../shared/fallbacks/render-fallback-table";

const docsPath = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "docs", "fallbacks.md");

describe("fallback ladder docs", () => {
  it("docs/fallbacks.md shows the table rendered from the code (run npx tsx scripts/render-fallback-docs.ts)", () => {
    const docs = readFileSync(docsPath, "utf8");
    const section = docs.slice(docs.indexOf(FALLBACK_TABLE_START) + FALLBACK_TABLE_START.length, docs.indexOf(FALLBACK_TABLE_END));
    expect(section.trim()).toBe(renderFallbackTable().trim());
  });

  it("renders one Markdown row per rung, escaping pipes", () => {
    const table = renderFallbackTable([{ stage: "s", reason: "r", used: "u", description: "a | b" }]);
    expect(table.split("\n")).toEqual([
      "| stage | reason | used | what failed and what serves |",
      "|---|---|---|---|",
      "| `s` | `r` | `u` | a \\| b |",
    ]);
  });

  it("replaces only the text between the markers", () => {
    const document = `# T\n\n${FALLBACK_TABLE_START}\nold\n${FALLBACK_TABLE_END}\n\nafter\n`;
    expect(withFallbackTable(document, "new")).toBe(`# T\n\n${FALLBACK_TABLE_START}\nnew\n${FALLBACK_TABLE_END}\n\nafter\n`);
    expect(() => withFallbackTable("# no markers", "new")).toThrow(/fallback-ladder:start/);
  });
});

describe("fallback ladder table", () => {
  it("lists each {stage, reason, used} combination once, each with a one-line description", () => {
    const keys = FALLBACK_LADDER.map((row) => `${row.stage}:${row.reason}:${row.used}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const row of FALLBACK_LADDER) {
      expect(row.description.length).toBeGreaterThan(20);
      expect(row.description).not.toMatch(/\n/);
    }
  });

  it("has a rung for every ranker failure reason with each ranker that can serve after the sidecar", () => {
    const rankerRungs = new Set(FALLBACK_LADDER.filter((row) => row.stage === "ranker").map((row) => `${row.reason}:${row.used}`));
    for (const reason of ["unavailable", "timeout", "rejected", "circuit_open"]) {
      for (const used of ["light", "retrieval_order"]) expect(rankerRungs).toContain(`${reason}:${used}`);
    }
  });

  it("types a rung as one of the table's combinations", () => {
    const allowed: FallbackRung = { stage: "fresh", reason: "unavailable", used: "without_fresh_items" };
    // @ts-expect-error a session failure never serves the popular list: not a row of the table
    const notInTable: FallbackRung = { stage: "session", reason: "timeout", used: "popular" };
    // @ts-expect-error free strings are not rungs
    const freeString: FallbackRung = { stage: "ranker", reason: "unavailable", used: "something_else" };
    expect([allowed, notInTable, freeString]).toHaveLength(3);
  });
});

/**
 * Renders the fallback ladder (fallback-ladder.ts) as the Markdown table docs/fallbacks.md shows
 * between its two markers, so the docs are generated from the code and cannot drift from it
 * (`npx tsx scripts/render-fallback-docs.ts` rewrites the section; a unit test compares them).
 */
import { FALLBACK_LADDER, type FallbackLadderRow } from "./fallback-ladder";

/** The line before the generated table. */
export const FALLBACK_TABLE_START =
  "<!-- fallback-ladder:start (generated from shared/fallbacks/fallback-ladder.ts by scripts/render-fallback-docs.ts; do not edit) -->";

/** The line after it. */
export const FALLBACK_TABLE_END = "<!-- fallback-ladder:end -->";

/** The ladder as a Markdown table: stage, reason, used, what happened. */
export function renderFallbackTable(rows: readonly FallbackLadderRow[] = FALLBACK_LADDER): string {
  const cell = (text: string) => text.replaceAll("|", "\\|");
  return [
    "| stage | reason | used | what failed and what serves |",
    "|---|---|---|---|",
    ...rows.map((row) => `| \`${row.stage}\` | \`${row.reason}\` | \`${row.used}\` | ${cell(row.description)} |`),
  ].join("\n");
}

/**
 * `document` with the text between {@link FALLBACK_TABLE_START} and {@link FALLBACK_TABLE_END}
 * replaced by `table`; throws when the markers are missing.
 */
export function withFallbackTable(document: string, table: string = renderFallbackTable()): string {
  const start = document.indexOf(FALLBACK_TABLE_START);
  const end = document.indexOf(FALLBACK_TABLE_END);
  if (start < 0 || end < start) throw new Error(`the document has no "${FALLBACK_TABLE_START}" … "${FALLBACK_TABLE_END}" section`);
  return `${document.slice(0, start + FALLBACK_TABLE_START.length)}\n${table}\n${document.slice(end)}`;
}

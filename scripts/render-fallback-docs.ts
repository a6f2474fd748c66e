/**
 * `npx tsx scripts/render-fallback-docs.ts [--check]`: rewrites the fallback table in
 * docs/fallbacks.md from the ladder in code (shared/fallbacks/fallback-ladder.ts). With `--check`
 * it changes nothing and exits 1 when the docs differ (test/unit/shared/fallback-ladder.test.ts
 * makes the same comparison in `npm test`).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { withFallbackTable } from "../shared/fallbacks/render-fallback-table";

const path = join(dirname(fileURLToPath(import.meta.url)), "..", "docs", "fallbacks.md");
const current = readFileSync(path, "utf8");
const rendered = withFallbackTable(current);
if (process.argv.includes("--check")) {
  if (rendered !== current) {
    process.stderr.write("docs/fallbacks.md: the fallback table differs from the code; run npx tsx scripts/render-fallback-docs.ts\n");
    process.exit(1);
  }
} else if (rendered !== current) {
  writeFileSync(path, rendered);
  process.stdout.write("docs/fallbacks.md: fallback table rewritten\n");
}

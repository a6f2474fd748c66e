/**
 * Builds the operator console (console/, docs/console.md) into the Worker's static assets folder,
 * `build/assets/` (wrangler.toml `[assets]`; gitignored): esbuild bundles `console/main.ts` with
 * uPlot into one ES module and `console/console.css` with uPlot's stylesheet into one stylesheet,
 * both named by content hash, and writes `console/index.html` pointing at them plus a `_headers`
 * file (a strict Content-Security-Policy: the console loads nothing from anywhere else).
 *
 * `npm run build:console`; `npm start`, `npm test` and `npm run deploy:dry-run` run it first.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Where the Worker's static assets are built (wrangler.toml `[assets] directory`). */
export const ASSETS_DIR = join(root, "build", "assets");

/** Headers Workers Static Assets adds to the console's files (`_headers` syntax). */
const CONSOLE_HEADERS = `/console/*
  Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'
  Referrer-Policy: no-referrer
  X-Content-Type-Options: nosniff
  X-Frame-Options: DENY
/console/
  Cache-Control: no-cache
`;

/** What a build wrote, relative to {@link ASSETS_DIR}. */
export interface ConsoleBuild {
  files: string[];
}

/** Builds the console into `outDir` (emptied first). */
export async function buildConsole({ outDir = ASSETS_DIR, minify = true } = {}): Promise<ConsoleBuild> {
  rmSync(outDir, { recursive: true, force: true });
  const consoleDir = join(outDir, "console");
  mkdirSync(consoleDir, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { app: "console/main.ts", style: "console/console.css" },
    outdir: consoleDir,
    entryNames: "[name]-[hash]",
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify,
    metafile: true,
    legalComments: "none",
    logLevel: "warning",
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => basename(file));
  const script = outputs.find((file) => file.startsWith("app-") && file.endsWith(".js"));
  const style = outputs.find((file) => file.startsWith("style-") && file.endsWith(".css"));
  if (!script || !style) throw new Error(`console build wrote no script or stylesheet (${outputs.join(", ")})`);
  const html = readFileSync(join(root, "console", "index.html"), "utf8")
    .replace("{{script}}", script)
    .replace("{{style}}", style);
  writeFileSync(join(consoleDir, "index.html"), html);
  writeFileSync(join(outDir, "_headers"), CONSOLE_HEADERS);
  return { files: ["_headers", ...["index.html", ...outputs].map((file) => `console/${file}`)] };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  const { files } = await buildConsole();
  console.log(`[build:console] ${files.length} files in ${relative(root, ASSETS_DIR)}/ (${Math.round(performance.now() - started)} ms)`);
}

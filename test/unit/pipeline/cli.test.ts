import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelManifest } from "../../../shared/artifacts/model-manifest";
import { runGenerate } from "../../../pipeline/commands/run-generate";
import { runTrain } from "../../../pipeline/commands/run-train";

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, "../../..");

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "pipeline-cli-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("pipeline commands", () => {
  it("generate then train writes artifacts and prints timed progress with ranker quality", async () => {
    const lines: string[] = [];
    const data = join(root, "data", "small");
    await runGenerate({ out: data, items: 200, users: 100, days: 20, seed: 9 }, (line) => lines.push(line));
    expect(lines.at(-1)).toMatch(/^\[generate\] done in \d+\.\d+s/);
    expect(lines.join("\n")).toMatch(/200 items, 100 users, \d+ events/);

    const out = join(root, "artifacts");
    const summary = await runTrain(
      { data, out, seed: 1, als: { factors: 4, iterations: 3 }, createdAt: new Date("2025-02-03T04:05:06Z") },
      (line) => lines.push(line),
    );
    const text = lines.join("\n");
    expect(text).toMatch(/\[train\] loaded .*"demo" \(event-log\): 200 items, 100 users/);
    expect(text).toMatch(/retrieval@10 {2}ALS nDCG/);
    expect(text).toMatch(/per-user AUC {2}ranker \d\.\d{4} {2}retrieval order/);
    expect(text).toMatch(/\[train\] wrote .* als-20250203T040506Z-[0-9a-f]{8} \(\d+\.\d+s\)/);
    const manifest = JSON.parse(await readFile(join(out, "manifest.json"), "utf8")) as ModelManifest;
    expect(manifest).toEqual(summary.manifest);
    expect(manifest.dimensions).toBe(4);
    expect(Object.keys(manifest.metrics ?? {})).toContain("ranker_auc");
  });

  it("exits non-zero with a clear message when the dataset folder is missing", async () => {
    const missing = join(root, "nope");
    const failure = await run(process.execPath, ["--import", "tsx", "pipeline/cli.ts", "train", "--data", missing], {
      cwd: REPO,
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain(`pipeline: error: dataset folder not found: ${missing}`);
  });
});

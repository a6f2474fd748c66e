import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelManifest } from "../../../shared/artifacts/model-manifest";
import { runEvaluate } from "../../../pipeline/commands/run-evaluate";
import { runGenerate } from "../../../pipeline/commands/run-generate";
import { runTrain } from "../../../pipeline/commands/run-train";
import type { EvaluationReport } from "../../../pipeline/evaluate/evaluation-report";

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

  it("evaluate tunes, compares every model over seeds and writes the JSON and HTML reports; train serves its pick", async () => {
    const data = join(root, "data", "eval");
    await runGenerate({ out: data, items: 150, users: 120, days: 20, seed: 4, name: "eval" }, () => undefined);
    const lines: string[] = [];
    const out = join(root, "reports", "eval.json");
    const report = await runEvaluate(
      {
        data,
        seeds: 2,
        out,
        workers: 1,
        progressBars: false,
        grids: {
          "item-knn": [{ neighbours: 20, shrinkage: 10 }],
          "implicit-als": [{ factors: 8, regularization: 5, alpha: 2, iterations: 4 }],
          ease: [{ lambda: 50 }, { lambda: 200 }],
          blendWeights: [0.5],
          cleora: [{ dimensions: 8, iterations: 2 }],
          cleoraBlendWeights: [0.1],
        },
        alsBudget: 0,
        dimensions: 8,
      },
      (line) => lines.push(line),
    );
    const json = JSON.parse(await readFile(out, "utf8")) as EvaluationReport;
    expect(json).toEqual(JSON.parse(JSON.stringify(report)));
    expect(json.dataset).toBe("eval");
    expect(json.seeds).toEqual([42, 43]);
    expect(json.protocol).toMatch(/stratified by item/);
    expect(Object.keys(json.models)).toEqual([
      "popularity",
      "item-knn",
      "implicit-als",
      "ease",
      "cleora",
      "implicit-als-ips",
      "ease+implicit-als",
      "ease+implicit-als@8d",
      "funnel",
    ]);
    for (const row of Object.values(json.models)) {
      for (const key of [
        "MAP",
        "nDCG@10",
        "Precision@10",
        "Recall@10",
        "coverage",
        "long_tail",
        "tail_coverage",
        "novelty",
        "diversity",
        "MAP_std",
      ]) {
        expect(typeof row[key], key).toBe("number");
      }
    }
    expect(json.models).toHaveProperty(json.serving_model);
    expect(["implicit-als", "implicit-als-ips", "ease+implicit-als@8d"]).toContain(json.serving_model);
    expect(json.serving.dimensions).toBe(8);
    expect(json.hyperparameters.ease).toEqual({ model: "ease", options: expect.objectContaining({ lambda: expect.any(Number) }) });
    // … and the popularity-corrected ALS's γ grid (2).
    expect(json.tuning?.trials).toHaveLength(1 + 1 + 1 + 2 + 1 + 1 + 1 + 1 + 2);
    expect(json.references).toEqual({});
    const text = lines.join("\n");
    expect(text).toMatch(/\[evaluate\] model +MAP +nDCG@10 +Precision@10 +Recall@10/);
    expect(text).toMatch(/\* ease\+implicit-als@8d|\* implicit-als/);
    const html = await readFile(join(root, "reports", "eval.html"), "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html.match(/<svg/g)).toHaveLength(4);
    expect(html).toContain("<th>tail_coverage</th>");

    const artifacts = join(root, "artifacts-eval");
    const trainLines: string[] = [];
    const summary = await runTrain(
      { data, out: artifacts, evaluation: out, seed: 1, als: {}, createdAt: new Date("2025-02-03T04:05:06Z") },
      (line) => trainLines.push(line),
    );
    expect(summary.manifest.retrievalModel).toBe(json.serving_model);
    expect(summary.manifest.dimensions).toBe(json.serving.dimensions);
    const serving = JSON.parse(await readFile(join(artifacts, "serving.json"), "utf8")) as { model: string; how: string };
    expect(serving.model).toBe(json.serving_model);
    expect(trainLines.join("\n")).toContain(`serving model and hyperparameters from ${out}`);
  });

  it("evaluate runs as a command on worker threads and gives the in-process results", async () => {
    const data = join(root, "data", "cmd");
    await runGenerate({ out: data, items: 120, users: 80, days: 15, seed: 5, name: "cmd" }, () => undefined);
    const out = join(root, "reports", "cmd.json");
    const { stdout } = await run(
      process.execPath,
      [
        "--import",
        "tsx",
        "pipeline/cli.ts",
        "evaluate",
        "--data",
        data,
        "--seeds",
        "2",
        "--no-tune",
        "--dimensions",
        "8",
        "--out",
        out,
        "--workers",
        "2",
      ],
      { cwd: REPO },
    );
    expect(stdout).toMatch(/2 worker threads/);
    const viaWorkers = JSON.parse(await readFile(out, "utf8")) as EvaluationReport;
    const inProcess = await runEvaluate(
      { data, seeds: 2, tune: false, dimensions: 8, out: join(root, "reports", "cmd-1.json"), workers: 1 },
      () => undefined,
    );
    for (const [model, row] of Object.entries(inProcess.models)) {
      for (const key of ["MAP", "nDCG@10", "Precision@10", "Recall@10", "coverage"]) expect(viaWorkers.models[model]![key]).toBe(row[key]);
    }
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

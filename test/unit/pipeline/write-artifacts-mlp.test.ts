/**
 * writeArtifacts with a trained MLP ranker: ranker.onnx becomes the MLP (scoring like scoreMlp),
 * ranker.fp16.onnx is written beside it, the manifest says so, and the logistic ranker is still the
 * light ranker (ranker.json, KV `ranker:light`). Without an MLP nothing of the kind is written.
 */
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCpuProvider } from "../../../gpu-sidecar/providers/cpu";
import type { Dataset } from "../../../pipeline/data/dataset";
import { loadDataset } from "../../../pipeline/data/load-dataset";
import { scoreMlp } from "../../../pipeline/export/onnx-mlp-ranker";
import { writeArtifacts, type ArtifactSummary, type KvBulkEntry } from "../../../pipeline/export/write-artifacts";
import { writeDemoDataset } from "../../../pipeline/generate/write-demo-dataset";
import { ImplicitAls } from "../../../pipeline/models/implicit-als";
import { kvKeys } from "../../../shared/artifacts/kv-keys";
import { trainedMlpFixture } from "../../support/mlp-ranker-fixture";
import { fixtureRanker, fixtureRows } from "../../support/ranker-fixture";

const CREATED_AT = new Date("2025-01-01T00:00:00Z");
let root: string;
let dataset: Dataset;
let retrieval: ImplicitAls;
const mlp = trainedMlpFixture();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "write-artifacts-mlp-"));
  await writeDemoDataset(join(root, "data"), { items: 120, users: 60, days: 20, name: "tiny" });
  dataset = await loadDataset(join(root, "data"));
  retrieval = new ImplicitAls({ factors: 4, iterations: 3, seed: 3 });
  retrieval.fit(dataset.interactions);
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe("writeArtifacts with an MLP ranker", () => {
  let out: string;
  let summary: ArtifactSummary;

  beforeAll(async () => {
    out = join(root, "with-mlp");
    summary = await writeArtifacts(out, { dataset, retrieval, ranker: fixtureRanker(), mlpRanker: mlp }, { createdAt: CREATED_AT });
  });

  it("records the MLP, its objectives and its float16 file in the manifest", () => {
    expect(summary.manifest.ranker).toEqual({
      onnx: "ranker.onnx",
      json: "ranker.json",
      kind: "mlp",
      onnxFp16: "ranker.fp16.onnx",
      objectives: [
        { objective: "click", weight: 1 },
        { objective: "engage", weight: 2 },
        { objective: "purchase", weight: 4 },
      ],
    });
    expect(summary.bytes.rankerOnnxFp16).toBeGreaterThan(0);
    expect(summary.bytes.rankerOnnxFp16!).toBeLessThan(summary.bytes.rankerOnnx);
  });

  it("writes the MLP as ranker.onnx and keeps the logistic ranker as the light ranker", async () => {
    const rows = fixtureRows(20, 4);
    const session = await createCpuProvider().createSession(new Uint8Array(await readFile(join(out, "ranker.onnx"))));
    try {
      const scores = await session.run(Float32Array.from(rows.flat()), rows.length);
      scores.forEach((score, i) => {
        expect(Math.abs(score - scoreMlp(mlp, rows[i]!))).toBeLessThan(1e-5);
      });
    } finally {
      await session.release();
    }
    const light = JSON.parse(await readFile(join(out, "ranker.json"), "utf8")) as { kind: string; modelVersion: string };
    expect(light).toMatchObject({ kind: "logistic", modelVersion: summary.manifest.modelVersion });
    const kv = JSON.parse(await readFile(join(out, "kv-bulk.json"), "utf8")) as KvBulkEntry[];
    expect(JSON.parse(kv.find((entry) => entry.key === kvKeys.lightRanker)!.value)).toMatchObject({ kind: "logistic" });
  });

  it("names a different version than the same artifacts without the MLP, which write no float16 file", async () => {
    const plain = join(root, "without-mlp");
    const without = await writeArtifacts(plain, { dataset, retrieval, ranker: fixtureRanker() }, { createdAt: CREATED_AT });
    expect(without.manifest.ranker).toEqual({ onnx: "ranker.onnx", json: "ranker.json", kind: "logistic" });
    expect(without.bytes.rankerOnnxFp16).toBeUndefined();
    await expect(stat(join(plain, "ranker.fp16.onnx"))).rejects.toThrow();
    expect(without.manifest.modelVersion).not.toBe(summary.manifest.modelVersion);
  });

  it("refuses an MLP trained on another feature spec", async () => {
    await expect(
      writeArtifacts(join(root, "stale"), { dataset, retrieval, ranker: fixtureRanker(), mlpRanker: { ...mlp, featureSpecHash: "old" } }),
    ).rejects.toThrow(/MLP ranker was trained with feature spec old/);
  });
});

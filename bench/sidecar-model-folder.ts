/**
 * The model the sidecar benchmark serves, written as a published model folder (`manifest.json` +
 * `ranker.onnx`) in a temporary directory: the project's 6-feature logistic ranker, or an MLP
 * with deterministic weights (default 6 → 64 → 64 → 1) so inference cost is that of a realistic
 * ranker rather than a dot product.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { linearRankerToOnnx } from "../pipeline/export/onnx-linear-ranker";
import { mlpRankerToOnnx, seededMlpRanker } from "../pipeline/export/onnx-mlp-ranker";
import type { ModelManifest } from "../shared/artifacts/model-manifest";
import { FEATURE_SPEC } from "../shared/features/feature-spec";

/** Which ranker the benchmark serves. */
export type BenchModelKind = "mlp" | "logistic";

/** Options of {@link writeBenchModelFolder}. */
export interface BenchModelOptions {
  kind: BenchModelKind;
  /** Hidden layer widths of the MLP. */
  hidden: number[];
}

/** A written model folder. */
export interface BenchModelFolder {
  dir: string;
  /** ONNX bytes (the raw onnxruntime measurement loads the same model). */
  onnx: Uint8Array;
  /** Human-readable description, e.g. `mlp 6→64→64→1 (relu, sigmoid)`. */
  description: string;
  remove(): Promise<void>;
}

/** Writes the benchmark model into a fresh temporary folder. */
export async function writeBenchModelFolder(options: BenchModelOptions): Promise<BenchModelFolder> {
  const dir = await mkdtemp(join(tmpdir(), "sidecar-bench-"));
  const modelVersion = `bench-${options.kind}`;
  const [onnx, description] = ((): [Uint8Array, string] => {
    switch (options.kind) {
      case "mlp":
        return [
          mlpRankerToOnnx(
            seededMlpRanker({ featureNames: FEATURE_SPEC.names, featureSpecHash: FEATURE_SPEC.hash, modelVersion, hidden: options.hidden }),
          ),
          `mlp ${[FEATURE_SPEC.size, ...options.hidden, 1].join("→")} (relu, sigmoid; seeded weights)`,
        ];
      case "logistic":
        return [
          linearRankerToOnnx({
            kind: "logistic",
            weights: [0.8, 1.5, 0.3, -0.2, -0.6, 0.1],
            bias: -1.2,
            featureNames: FEATURE_SPEC.names,
            featureSpecHash: FEATURE_SPEC.hash,
            modelVersion,
          }),
          `logistic ${FEATURE_SPEC.size}→1 (the project's trained ranker shape)`,
        ];
    }
  })();
  await writeFile(join(dir, "ranker.onnx"), onnx);
  const manifest: ModelManifest = {
    modelVersion,
    createdAt: new Date(0).toISOString(),
    dataset: "bench",
    retrievalModel: "none",
    dimensions: 0,
    metric: "dot-product",
    featureSpecHash: FEATURE_SPEC.hash,
    ranker: { onnx: "ranker.onnx", json: "ranker.json", kind: "logistic" },
    files: { vectors: "none", kvBulk: "none", items: "none" },
    counts: { items: 0, users: 0, interactions: 0 },
  };
  await writeFile(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
  return { dir, onnx, description, remove: () => rm(dir, { recursive: true, force: true }) };
}

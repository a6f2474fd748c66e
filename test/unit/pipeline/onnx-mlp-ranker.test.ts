/**
 * The MLP ranker export: onnxruntime runs the exported graph through the sidecar's CPU provider
 * and matches the reference scorer (seeded single-head and trained multi-objective models); the
 * float16 export ranks like the float32 one; seeded weights are reproducible; layers that do not
 * chain are refused.
 */
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { createCpuProvider } from "../../../gpu-sidecar/providers/cpu";
import { mlpRankerToOnnx, scoreMlp, seededMlpRanker } from "../../../pipeline/export/onnx-mlp-ranker";
import { FEATURE_SPEC } from "../../../shared/features/feature-spec";
import { trainedMlpFixture } from "../../support/mlp-ranker-fixture";
import { fixtureRows } from "../../support/ranker-fixture";

async function scoreOnCpu(bytes: Uint8Array, rows: number[][]): Promise<Float32Array> {
  const session = await createCpuProvider().createSession(bytes);
  try {
    return await session.run(Float32Array.from(rows.flat()), rows.length);
  } finally {
    await session.release();
  }
}

/** Kendall's τ-a between two score lists (a pair tied in either list counts 0). */
function kendallTau(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      sum += Math.sign(a[i]! - a[j]!) * Math.sign(b[i]! - b[j]!);
      pairs++;
    }
  }
  return sum / pairs;
}

const topK = (scores: ArrayLike<number>, k: number) =>
  new Set(
    Array.from(scores, (score, i) => [score, i] as const)
      .sort((x, y) => y[0] - x[0] || x[1] - y[1])
      .slice(0, k)
      .map(([, i]) => i),
  );

const spec = { featureNames: FEATURE_SPEC.names, featureSpecHash: FEATURE_SPEC.hash };

describe("MLP ranker export", () => {
  it("scores like the reference on onnxruntime, one score per row", async () => {
    const model = seededMlpRanker({ ...spec, hidden: [16, 8] });
    const session = await createCpuProvider().createSession(mlpRankerToOnnx(model));
    try {
      expect(session.shape).toEqual({ inputName: "features", outputName: "score", inputWidth: FEATURE_SPEC.size });
      const rows = fixtureRows(25);
      const scores = await session.run(Float32Array.from(rows.flat()), rows.length);
      expect(scores).toHaveLength(25);
      scores.forEach((score, i) => {
        expect(score).toBeCloseTo(scoreMlp(model, rows[i]!), 5);
      });
    } finally {
      await session.release();
    }
  });

  it("scores a trained multi-objective model like scoreMlp (within 1e-5), its heads and weights in the metadata", async () => {
    const model = trainedMlpFixture();
    expect(model.heads?.map((head) => head.objective)).toEqual(["click", "engage", "purchase"]);
    const bytes = mlpRankerToOnnx(model);
    const rows = fixtureRows(300, 77);
    const scores = await scoreOnCpu(bytes, rows);
    const worst = Math.max(...rows.map((row, i) => Math.abs(scores[i]! - scoreMlp(model, row))));
    expect(worst).toBeLessThan(1e-5);
    const session = await ort.InferenceSession.create(bytes);
    try {
      // onnxruntime-node does not expose metadata_props; the graph's shape is what the sidecar checks.
      expect(session.inputNames).toEqual(["features"]);
      expect(session.outputNames).toEqual(["score"]);
    } finally {
      await session.release();
    }
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain("click,engage,purchase");
    expect(text).toContain("objective_weights");
  });

  it("exports float16 weights that rank 300 realistic rows like the float32 model", async () => {
    const model = trainedMlpFixture();
    const fp32 = mlpRankerToOnnx(model);
    const fp16 = mlpRankerToOnnx(model, { precision: "float16" });
    expect(fp16.length).toBeLessThan(fp32.length * 0.75);
    const rows = fixtureRows(300, 78);
    const [a, b] = await Promise.all([scoreOnCpu(fp32, rows), scoreOnCpu(fp16, rows)]);
    const maxDelta = Math.max(...Array.from(a, (score, i) => Math.abs(score - b[i]!)));
    const overlap = [...topK(a, 10)].filter((i) => topK(b, 10).has(i)).length;
    // Measured on onnxruntime-node 1.30 (CPU): max |Δ| = 1.7e-4 on scores from 0.03 to 0.53, τ = 0.9997,
    // top-10 overlap 10 of 10. The bounds leave room for a GPU's other summation order.
    expect(maxDelta).toBeLessThan(1e-3);
    expect(kendallTau(a, b)).toBeGreaterThan(0.99);
    expect(overlap).toBeGreaterThanOrEqual(9);
  });

  it("builds the same weights from the same seed, other weights from another", () => {
    const a = seededMlpRanker({ ...spec, seed: 7 });
    expect(seededMlpRanker({ ...spec, seed: 7 })).toEqual(a);
    expect(seededMlpRanker({ ...spec, seed: 8 }).layers[0]!.weights).not.toEqual(a.layers[0]!.weights);
    expect(a.layers.map((layer) => [layer.inputs, layer.outputs])).toEqual([
      [FEATURE_SPEC.size, 64],
      [64, 64],
      [64, 1],
    ]);
  });

  it("refuses layers that do not chain from the features to one output", () => {
    const model = seededMlpRanker({ ...spec, hidden: [4] });
    expect(() => mlpRankerToOnnx({ ...model, layers: [model.layers[1]!] })).toThrow(
      new RegExp(`layer 0 does not fit: expected ${FEATURE_SPEC.size} inputs, got 4`),
    );
    expect(() => mlpRankerToOnnx({ ...model, layers: [model.layers[0]!] })).toThrow(/ends in one output; this one ends in 4/);
  });
});

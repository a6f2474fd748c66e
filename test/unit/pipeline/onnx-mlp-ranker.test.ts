/**
 * The MLP ranker export: onnxruntime runs the exported graph through the sidecar's CPU provider
 * and matches the reference scorer; seeded weights are reproducible; layers that do not chain are
 * refused.
 */
import { describe, expect, it } from "vitest";
import { createCpuProvider } from "../../../gpu-sidecar/providers/cpu";
import { mlpRankerToOnnx, scoreMlp, seededMlpRanker } from "../../../pipeline/export/onnx-mlp-ranker";
import { FEATURE_SPEC } from "../../../shared/features/feature-spec";
import { fixtureRows } from "../../support/ranker-fixture";

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

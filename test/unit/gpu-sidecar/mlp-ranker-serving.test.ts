/**
 * The sidecar serving a trained multi-objective MLP end to end: a published folder (manifest with
 * the float32 and float16 files) loads on the CPU provider and `/v1/rank` answers scoreMlp's
 * combined scores; `SIDECAR_PRECISION` picks the file (`auto`: float16 only on a GPU provider),
 * and asking for float16 where none was published fails with a clear message. No GPU exists here:
 * the GPU case uses the CPU provider described as a GPU, which is what the choice depends on.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSidecarApp } from "../../../gpu-sidecar/app";
import { ModelStore } from "../../../gpu-sidecar/model-store";
import { openRanker } from "../../../gpu-sidecar/open-ranker";
import { createCpuProvider } from "../../../gpu-sidecar/providers/cpu";
import { ProviderUnavailableError, type ExecutionProvider } from "../../../gpu-sidecar/providers/execution-provider";
import type { RankerPrecision } from "../../../gpu-sidecar/ranker-precision";
import { mlpRankerToOnnx, scoreMlp, type MlpRankerModel } from "../../../pipeline/export/onnx-mlp-ranker";
import { FEATURE_SPEC } from "../../../shared/features/feature-spec";
import { trainedMlpFixture } from "../../support/mlp-ranker-fixture";
import { fixtureRows, tempFolder, writeFixtureManifest } from "../../support/ranker-fixture";
import { CPU_STATUS, SIDECAR_TEST_TOKEN, withToken } from "../../support/sidecar-app-fixture";

/** Writes `model` as a published MLP folder: ranker.onnx, ranker.fp16.onnx (unless `fp16: false`) and the manifest. */
async function writeMlpFolder(dir: string, model: MlpRankerModel, { fp16 = true } = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "ranker.onnx"), mlpRankerToOnnx(model));
  if (fp16) await writeFile(join(dir, "ranker.fp16.onnx"), mlpRankerToOnnx(model, { precision: "float16" }));
  await writeFixtureManifest(dir, model, {
    onnx: "ranker.onnx",
    json: "ranker.json",
    kind: "mlp",
    ...(fp16 ? { onnxFp16: "ranker.fp16.onnx" } : {}),
    objectives: model.heads ?? [],
  });
}

/** The CPU provider reporting itself as the CUDA provider on a GPU: what `auto` precision looks at. */
function cpuDescribedAsGpu(): ExecutionProvider {
  const cpu = createCpuProvider();
  return {
    name: "cuda",
    createSession: (bytes) => cpu.createSession(bytes),
    describe: () => ({ ...cpu.describe(), name: "cuda", device: "gpu" }),
  };
}

describe("sidecar serving a trained multi-objective MLP", () => {
  let folder: Awaited<ReturnType<typeof tempFolder>>;
  const model = trainedMlpFixture("mlp-served-v1");
  const rows = fixtureRows(40, 91);
  const stores: ModelStore[] = [];
  const open = async (provider: ExecutionProvider, precision: RankerPrecision, dir = folder.path) => {
    const store = new ModelStore({ modelDir: dir, provider, precision });
    stores.push(store);
    await store.reload();
    return store;
  };

  beforeAll(async () => {
    folder = await tempFolder();
    await writeMlpFolder(folder.path, model);
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await folder.remove();
  });

  it("answers /v1/rank with the model's combined scores", async () => {
    const store = await open(createCpuProvider(), "auto");
    const app = createSidecarApp({ store, provider: CPU_STATUS, authToken: SIDECAR_TEST_TOKEN });
    const response = await app.request(
      "/v1/rank",
      withToken({
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ feature_spec_hash: FEATURE_SPEC.hash, rows }),
      }),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { scores: number[]; model_version: string };
    expect(body.model_version).toBe("mlp-served-v1");
    expect(body.scores).toHaveLength(rows.length);
    body.scores.forEach((score, i) => {
      expect(Math.abs(score - scoreMlp(model, rows[i]!))).toBeLessThan(1e-5);
    });
    expect(store.current?.precision).toBe("fp32");
  });

  it("loads the float16 file on a GPU provider with auto precision, the float32 file on the CPU", async () => {
    const gpu = await open(cpuDescribedAsGpu(), "auto");
    expect(gpu.current).toMatchObject({ precision: "fp16", modelPath: join(folder.path, "ranker.fp16.onnx") });
    const scores = await gpu.current!.session.run(Float32Array.from(rows.flat()), rows.length);
    scores.forEach((score, i) => {
      expect(Math.abs(score - scoreMlp(model, rows[i]!))).toBeLessThan(1e-3);
    });
    const cpu = await open(createCpuProvider(), "auto");
    expect(cpu.current).toMatchObject({ precision: "fp32", modelPath: join(folder.path, "ranker.onnx") });
    const forced = await open(createCpuProvider(), "fp16");
    expect(forced.current?.precision).toBe("fp16");
    const pinned = await open(cpuDescribedAsGpu(), "fp32");
    expect(pinned.current?.precision).toBe("fp32");
  });

  it("falls back to the CPU's float32 file when the GPU provider is unavailable", async () => {
    const { store, provider } = await openRanker({
      modelDir: folder.path,
      provider: "cuda",
      providerFallback: "cpu",
      precision: "auto",
      createProvider: (name) =>
        name === "cpu"
          ? createCpuProvider()
          : {
              name,
              createSession: async () => {
                throw new ProviderUnavailableError(name, { reason: `no ${name} device in this test`, remedy: "run elsewhere" });
              },
              describe: () => ({ name, runtime: "onnxruntime-node", runtimeVersion: undefined, device: "gpu" }),
            },
    });
    stores.push(store);
    expect(provider).toMatchObject({ requested: "cuda", active: "cpu" });
    expect(store.current?.precision).toBe("fp32");
  });

  it("says what is missing when fp16 is asked for and the release has no float16 file", async () => {
    const other = await tempFolder();
    try {
      await writeMlpFolder(other.path, trainedMlpFixture("mlp-no-fp16"), { fp16: false });
      const store = new ModelStore({ modelDir: other.path, provider: createCpuProvider(), precision: "fp16" });
      await expect(store.reload()).rejects.toMatchObject({
        name: "ModelLoadError",
        code: "model_file_missing",
        message: expect.stringMatching(/SIDECAR_PRECISION=fp16 but the manifest lists no float16 ranker \(ranker\.onnxFp16/),
      });
      await store.close();
      expect((await open(cpuDescribedAsGpu(), "auto", other.path)).current?.precision).toBe("fp32");
    } finally {
      await other.remove();
    }
  });
});

/**
 * Loading and swapping model versions: manifest and model checks, atomic reload, requests that
 * started on the old version finishing on it, and a failed reload leaving the old version live.
 */
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ModelLoadError } from "../../../gpu-sidecar/model-load-error";
import { ModelStore } from "../../../gpu-sidecar/model-store";
import { createCpuProvider } from "../../../gpu-sidecar/providers/cpu";
import type { ExecutionProvider } from "../../../gpu-sidecar/providers/execution-provider";
import { FEATURE_SPEC } from "../../../shared/features/feature-spec";
import { scoreLinear } from "../../../shared/ranking/linear-ranker";
import { fixtureRanker, fixtureRows, tempFolder, writeModelFolder } from "../../support/ranker-fixture";

/** The CPU provider, recording which model versions' sessions were released. */
function releaseTrackingProvider(released: number[]): ExecutionProvider {
  const cpu = createCpuProvider();
  let sessions = 0;
  return {
    ...cpu,
    async createSession(bytes) {
      const session = await cpu.createSession(bytes);
      const id = ++sessions;
      return {
        shape: session.shape,
        run: (features, rows) => session.run(features, rows),
        release: async () => {
          released.push(id);
          await session.release();
        },
      };
    },
  };
}

const pack = (rows: number[][]) => Float32Array.from(rows.flat());

describe("ModelStore", () => {
  let folder: Awaited<ReturnType<typeof tempFolder>>;
  let store: ModelStore | undefined;

  beforeEach(async () => {
    folder = await tempFolder();
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
    await folder.remove();
  });

  const open = (provider: ExecutionProvider = createCpuProvider()) => {
    store = new ModelStore({ modelDir: folder.path, provider });
    return store;
  };
  const expectLoadError = async (code: string, message: RegExp) => {
    const error = await open()
      .reload()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as ModelLoadError).code).toBe(code);
    expect((error as ModelLoadError).message).toMatch(message);
    expect(store!.current).toBeUndefined();
  };

  it("loads the manifest's model and exposes its version, hash and width", async () => {
    await writeModelFolder(folder.path, { model: fixtureRanker("v1") });
    const { model, previousVersion } = await open().reload();
    expect(previousVersion).toBeUndefined();
    expect(model).toMatchObject({ version: "v1", featureSpecHash: FEATURE_SPEC.hash, featureCount: FEATURE_SPEC.size });
    expect(model.modelPath).toBe(join(folder.path, "ranker-v1.onnx"));
  });

  it("refuses a folder without manifest.json", async () => {
    await expectLoadError("manifest_missing", /manifest\.json/);
  });

  it("refuses a manifest that is not JSON", async () => {
    await writeFile(join(folder.path, "manifest.json"), "{");
    await expectLoadError("manifest_invalid", /not valid JSON/);
  });

  it("refuses a manifest without a feature-spec hash", async () => {
    await writeModelFolder(folder.path, { manifest: { featureSpecHash: "" } });
    await expectLoadError("manifest_invalid", /featureSpecHash/);
  });

  it("refuses a ranker path outside the model folder", async () => {
    await writeModelFolder(folder.path, { manifest: { ranker: { onnx: "../elsewhere.onnx", json: "r.json", kind: "logistic" } } });
    await expectLoadError("manifest_invalid", /inside the model folder/);
  });

  it("refuses a manifest whose ONNX file is missing", async () => {
    await writeModelFolder(folder.path, { model: fixtureRanker("v1") });
    await rm(join(folder.path, "ranker-v1.onnx"));
    await expectLoadError("model_file_missing", /ranker-v1\.onnx/);
  });

  it("refuses bytes that are not an ONNX model", async () => {
    await writeModelFolder(folder.path, { model: fixtureRanker("v1") });
    await writeFile(join(folder.path, "ranker-v1.onnx"), "not a model");
    await expectLoadError("model_invalid", /cannot load the model/);
  });

  it("refuses a model whose input width differs from the feature spec", async () => {
    const narrow = { ...fixtureRanker("narrow"), weights: [1, 2, 3, 4, 5], featureNames: FEATURE_SPEC.names.slice(0, 5) };
    await writeModelFolder(folder.path, { model: narrow });
    await expectLoadError("feature_width_mismatch", new RegExp(`takes 5 features per row, but the feature spec has ${FEATURE_SPEC.size}`));
  });

  it("reload swaps to the new version; new requests score with it", async () => {
    await writeModelFolder(folder.path, { model: fixtureRanker("v1") });
    await open().reload();
    const v2 = { ...fixtureRanker("v2"), weights: fixtureRanker().weights.map((w, i) => (i % 2 === 0 ? w - 1.2 : -w)), bias: 0.25 };
    await writeModelFolder(folder.path, { model: v2 });
    const { model, previousVersion } = await store!.reload();
    expect(previousVersion).toBe("v1");
    expect(model.version).toBe("v2");
    expect(store!.current?.version).toBe("v2");
    const rows = fixtureRows(5);
    const scores = await store!.current!.session.run(pack(rows), rows.length);
    scores.forEach((score, i) => {
      expect(score).toBeCloseTo(scoreLinear(v2, rows[i]!), 5);
    });
  });

  it("lets a request that started on the old version finish on it, then releases the old session", async () => {
    const released: number[] = [];
    const v1 = fixtureRanker("v1");
    await writeModelFolder(folder.path, { model: v1 });
    await open(releaseTrackingProvider(released)).reload();
    const lease = store!.acquire()!;

    await writeModelFolder(folder.path, { model: { ...fixtureRanker("v2"), bias: 3 } });
    await store!.reload();
    expect(store!.current?.version).toBe("v2");
    expect(released).toEqual([]);

    const rows = fixtureRows(3);
    const scores = await lease.model.session.run(pack(rows), rows.length);
    expect(lease.model.version).toBe("v1");
    scores.forEach((score, i) => {
      expect(score).toBeCloseTo(scoreLinear(v1, rows[i]!), 5);
    });

    lease.release();
    lease.release();
    expect(released).toEqual([1]);
    await store!.close();
    expect(released).toEqual([1, 2]);
  });

  it("keeps serving the old version when a reload fails", async () => {
    await writeModelFolder(folder.path, { model: fixtureRanker("v1") });
    await open().reload();
    await writeFile(join(folder.path, "manifest.json"), "{ broken");
    await expect(store!.reload()).rejects.toBeInstanceOf(ModelLoadError);
    expect(store!.current?.version).toBe("v1");
    await writeModelFolder(folder.path, { model: fixtureRanker("v3") });
    expect((await store!.reload()).model.version).toBe("v3");
  });

  it("runs concurrent reloads one after the other", async () => {
    await writeModelFolder(folder.path, { model: fixtureRanker("v1") });
    await open().reload();
    const results = await Promise.all([store!.reload(), store!.reload()]);
    expect(results.map((r) => r.previousVersion)).toEqual(["v1", "v1"]);
    expect(results[1]!.model).not.toBe(results[0]!.model);
    expect(store!.current).toBe(results[1]!.model);
  });

  it("stops leasing after close", async () => {
    await writeModelFolder(folder.path, { model: fixtureRanker("v1") });
    await open().reload();
    await store!.close();
    expect(store!.acquire()).toBeUndefined();
    await expect(store!.reload()).rejects.toThrow(/closed/);
  });
});

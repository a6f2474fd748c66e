/**
 * The execution-provider contract, run against every provider: the sidecar's scores equal the
 * reference `scoreLinear` of the exported model. `cpu` and `wasm` must run everywhere; `webgpu`
 * and `cuda` run where their hardware and binaries exist and are skipped with the provider's own
 * reason elsewhere, where instead their start-up error is checked.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSidecarApp } from "../../../gpu-sidecar/app";
import { ModelStore } from "../../../gpu-sidecar/model-store";
import { createExecutionProvider } from "../../../gpu-sidecar/providers/create-execution-provider";
import {
  EXECUTION_PROVIDER_NAMES,
  ProviderUnavailableError,
  type ExecutionProviderName,
} from "../../../gpu-sidecar/providers/execution-provider";
import { FEATURE_SPEC } from "../../../shared/features/feature-spec";
import { scoreLinear } from "../../../shared/ranking/linear-ranker";
import { probeProvider, type ProviderAvailability } from "./provider-availability";
import { fixtureRanker, fixtureRows, tempFolder, writeModelFolder } from "../../support/ranker-fixture";
import { SIDECAR_TEST_TOKEN, withToken } from "../../support/sidecar-app-fixture";

/** Providers every machine must run; the others need a GPU. */
const REQUIRED_PROVIDERS = new Set<ExecutionProviderName>(["cpu", "wasm"]);

/** What the start-up error of an absent GPU provider must tell the operator. */
const UNAVAILABLE_MESSAGE: Record<ExecutionProviderName, RegExp | undefined> = {
  cpu: undefined,
  wasm: undefined,
  webgpu: /no WebGPU adapter found/,
  cuda: /CUDA 12/,
};

describe.each(EXECUTION_PROVIDER_NAMES)("execution provider %s", (name) => {
  const model = fixtureRanker(`contract-${name}`);
  let folder: Awaited<ReturnType<typeof tempFolder>>;
  let availability: ProviderAvailability;
  let store: ModelStore | undefined;

  beforeAll(async () => {
    folder = await tempFolder();
    await writeModelFolder(folder.path, { model });
    availability = await probeProvider(name);
    if (availability.available) {
      store = new ModelStore({ modelDir: folder.path, provider: createExecutionProvider(name) });
      await store.reload();
    }
  });
  afterAll(async () => {
    await store?.close();
    await folder.remove();
  });

  const requireProvider = (ctx: { skip: (note: string) => never }) => {
    if (availability.available) return;
    if (REQUIRED_PROVIDERS.has(name)) throw availability.error;
    ctx.skip(`${name} is not available on this machine: ${availability.error.reason}`);
  };

  const rank = async (rows: number[][]) => {
    const app = createSidecarApp({
      store: store!,
      provider: { requested: name, active: name, description: createExecutionProvider(name).describe() },
      authToken: SIDECAR_TEST_TOKEN,
    });
    const response = await app.request(
      "/v1/rank",
      withToken({
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ feature_spec_hash: FEATURE_SPEC.hash, rows }),
      }),
    );
    return { status: response.status, body: (await response.json()) as { scores: number[]; provider: string; model_version: string } };
  };

  it("scores every row like scoreLinear (1e-5)", async (ctx) => {
    requireProvider(ctx);
    const rows = fixtureRows(257);
    const { status, body } = await rank(rows);
    expect(status).toBe(200);
    expect(body.provider).toBe(name);
    expect(body.model_version).toBe(model.modelVersion);
    expect(body.scores).toHaveLength(rows.length);
    body.scores.forEach((score, i) => {
      expect(score).toBeCloseTo(scoreLinear(model, rows[i]!), 5);
    });
  });

  it("scores a single row and an empty batch", async (ctx) => {
    requireProvider(ctx);
    const [row] = fixtureRows(1, 7);
    const single = await rank([row!]);
    expect(single.body.scores[0]).toBeCloseTo(scoreLinear(model, row!), 5);
    const empty = await rank([]);
    expect(empty).toMatchObject({ status: 200, body: { scores: [] } });
  });

  it("scores concurrent requests independently", async (ctx) => {
    requireProvider(ctx);
    const batches = Array.from({ length: 16 }, (_, i) => fixtureRows(1 + i * 7, 100 + i));
    const results = await Promise.all(batches.map((rows) => rank(rows)));
    results.forEach(({ status, body }, b) => {
      expect(status).toBe(200);
      expect(body.scores).toHaveLength(batches[b]!.length);
      body.scores.forEach((score, i) => {
        expect(score).toBeCloseTo(scoreLinear(model, batches[b]![i]!), 5);
      });
    });
  });

  it("reports its input shape and describes itself", async (ctx) => {
    requireProvider(ctx);
    expect(store!.current!.session.shape).toEqual({ inputName: "features", outputName: "score", inputWidth: FEATURE_SPEC.size });
    expect(createExecutionProvider(name).describe().name).toBe(name);
  });

  if (!REQUIRED_PROVIDERS.has(name)) {
    it("fails at start-up with a clear ProviderUnavailableError when absent", async (ctx) => {
      if (availability.available) ctx.skip(`${name} is available on this machine, so it cannot be absent`);
      const error = availability.available ? undefined : availability.error;
      expect(error).toBeInstanceOf(ProviderUnavailableError);
      expect(error!.provider).toBe(name);
      expect(error!.message).toMatch(new RegExp(`^execution provider "${name}" is unavailable: `));
      expect(error!.message).toMatch(UNAVAILABLE_MESSAGE[name]!);
      expect(error!.message).toMatch(/SIDECAR_PROVIDER_FALLBACK=cpu/);
      if (name === "cuda" && /not installed/.test(error!.reason)) {
        expect(error!.message).toMatch(/ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node/);
      }
    });
  }
});

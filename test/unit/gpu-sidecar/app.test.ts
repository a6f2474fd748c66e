/**
 * The sidecar HTTP API on the CPU provider: success bodies, every client error code (never a
 * 500 for client input), health, and the admin reload route.
 */
import { describe, expect, it } from "vitest";
import type { RankResponseBody, SidecarAppDeps } from "../../../gpu-sidecar/app";
import { ModelStore } from "../../../gpu-sidecar/model-store";
import type { ProviderStatus } from "../../../gpu-sidecar/open-ranker";
import { createCpuProvider } from "../../../gpu-sidecar/providers/cpu";
import { FEATURE_SPEC } from "../../../shared/features/feature-spec";
import { scoreLinear } from "../../../shared/ranking/linear-ranker";
import { fixtureRows } from "../../support/ranker-fixture";
import { CPU_STATUS, useFixtureSidecarApp } from "../../support/sidecar-app-fixture";


describe("sidecar app", () => {
  const { model, appWith } = useFixtureSidecarApp("app-v1");
  const post = (body: unknown, deps: Partial<SidecarAppDeps> = {}) =>
    appWith(deps).request("/v1/rank", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  const expectError = async (response: Response, status: number, code: string) => {
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(0);
    return body.error.message;
  };

  it("ranks rows and reports version, provider, timings and batch", async () => {
    const rows = fixtureRows(20);
    const response = await post({ feature_spec_hash: FEATURE_SPEC.hash, rows });
    expect(response.status).toBe(200);
    const body = (await response.json()) as RankResponseBody;
    expect(body.model_version).toBe("app-v1");
    expect(body.provider).toBe("cpu");
    expect(body.timings_ms.inference).toBeGreaterThanOrEqual(0);
    expect(body.timings_ms.queue).toBeGreaterThanOrEqual(0);
    expect(body.batch).toEqual({ rows: 20, requests: 1 });
    expect(body.scores).toHaveLength(20);
    body.scores.forEach((score, i) => expect(score).toBeCloseTo(scoreLinear(model, rows[i]!), 5));
  });

  it("answers an empty row list with no scores", async () => {
    const response = await post({ feature_spec_hash: FEATURE_SPEC.hash, rows: [] });
    expect(response.status).toBe(200);
    expect(((await response.json()) as RankResponseBody).scores).toEqual([]);
  });

  it("answers 400 invalid_json to a malformed body", async () => {
    await expectError(await post("{not json"), 400, "invalid_json");
    await expectError(await post(""), 400, "invalid_json");
  });

  it.each([
    ["a JSON array", []],
    ["a missing feature_spec_hash", { rows: [] }],
    ["an empty feature_spec_hash", { feature_spec_hash: "", rows: [] }],
    ["rows that are not a list", { feature_spec_hash: FEATURE_SPEC.hash, rows: "1,2,3" }],
    ["a row that is not a list", { feature_spec_hash: FEATURE_SPEC.hash, rows: [1, 2, 3, 4, 5, 6] }],
    ["null", null],
  ])("answers 400 invalid_request to %s", async (_, body) => {
    await expectError(await post(body), 400, "invalid_request");
  });

  it("answers 400 invalid_features naming a row of the wrong width", async () => {
    const rows = [...fixtureRows(2), [1, 2, 3]];
    const message = await expectError(await post({ feature_spec_hash: FEATURE_SPEC.hash, rows }), 400, "invalid_features");
    expect(message).toBe(`rows[2] has 3 values; the feature spec has ${FEATURE_SPEC.size}`);
  });

  it.each([
    ["a string", `"0.5"`],
    ["null", "null"],
    ["a value that overflows to Infinity", "1e999"],
    ["a value beyond float32 range", "1e39"],
    ["a nested list", "[1]"],
  ])("answers 400 invalid_features to %s", async (_, value) => {
    const zeros = new Array(FEATURE_SPEC.size - 2).fill(0).join(",");
    const body = `{"feature_spec_hash":"${FEATURE_SPEC.hash}","rows":[[0,0,${zeros}],[0,${value},${zeros}]]}`;
    const message = await expectError(await post(body), 400, "invalid_features");
    expect(message).toMatch(/^rows\[1\]\[1\] is .* not a finite float32 number$/);
  });

  it("answers 409 feature_spec_mismatch when the hash differs from the model's", async () => {
    const message = await expectError(await post({ feature_spec_hash: "deadbeef", rows: fixtureRows(1) }), 409, "feature_spec_mismatch");
    expect(message).toContain(FEATURE_SPEC.hash);
    expect(message).toContain("deadbeef");
  });

  it("answers 413 too_many_rows above maxRows", async () => {
    const ok = await post({ feature_spec_hash: FEATURE_SPEC.hash, rows: fixtureRows(3) }, { maxRows: 3 });
    expect(ok.status).toBe(200);
    const message = await expectError(await post({ feature_spec_hash: FEATURE_SPEC.hash, rows: fixtureRows(4) }, { maxRows: 3 }), 413, "too_many_rows");
    expect(message).toContain("at most 3");
  });

  it("answers 413 payload_too_large to a body far beyond what maxRows needs", async () => {
    const padding = " ".repeat(200_000);
    await expectError(await post(`{"feature_spec_hash":"${FEATURE_SPEC.hash}",${padding}"rows":[]}`, { maxRows: 1 }), 413, "payload_too_large");
  });

  it("answers 503 model_not_loaded before a model is loaded", async () => {
    // Never reloaded, so it holds no model (the folder is not read).
    const empty = new ModelStore({ modelDir: "/nonexistent-model-dir", provider: createCpuProvider() });
    await expectError(await post({ feature_spec_hash: FEATURE_SPEC.hash, rows: fixtureRows(1) }, { store: empty }), 503, "model_not_loaded");
    const health = await appWith({ store: empty }).request("/healthz");
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: "model_not_loaded", model_version: null });
  });

  it("answers 404 not_found as JSON for unknown routes", async () => {
    await expectError(await appWith().request("/v1/unknown"), 404, "not_found");
  });

  it("reports health: model version, provider, feature-spec hash, uptime", async () => {
    let clock = 1_000;
    const app = appWith({ now: () => clock });
    clock += 42_000;
    const response = await app.request("/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: "ok",
      model_version: "app-v1",
      provider: "cpu",
      provider_requested: "cpu",
      provider_fallback: null,
      runtime: expect.stringMatching(/^onnxruntime-node/),
      feature_spec_hash: FEATURE_SPEC.hash,
      uptime_s: 42,
      batching: { enabled: true, max_batch_rows: 2048, max_queue_delay_ms: 2, max_queue_rows: 16384, request_timeout_ms: 1000 },
      queue: { requests: 0, rows: 0 },
    });
  });

  it("reports a provider fallback in health", async () => {
    const fellBack: ProviderStatus = { ...CPU_STATUS, requested: "cuda", fallback: { from: "cuda", reason: "no CUDA here" } };
    const body = await (await appWith({ provider: fellBack }).request("/healthz")).json();
    expect(body).toMatchObject({ provider: "cpu", provider_requested: "cuda", provider_fallback: "no CUDA here" });
  });

  it("reloads through POST /admin/reload, guarded by the admin token when one is set", async () => {
    const app = appWith({ adminToken: "s3cret" });
    await expectError(await app.request("/admin/reload", { method: "POST" }), 401, "unauthorized");
    await expectError(await app.request("/admin/reload", { method: "POST", headers: { authorization: "Bearer wrong!" } }), 401, "unauthorized");
    const response = await app.request("/admin/reload", { method: "POST", headers: { authorization: "Bearer s3cret" } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ model_version: "app-v1", previous_version: "app-v1", changed: false });
  });
});

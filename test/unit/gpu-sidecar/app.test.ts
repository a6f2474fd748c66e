/**
 * The sidecar HTTP API on the CPU provider: success bodies, every client error code (never a
 * 500 for client input), health, the admin reload route, and the shared-secret check that keeps
 * every route but `/healthz` private.
 */
import { describe, expect, it } from "vitest";
import type { RankResponseBody, SidecarAppDeps } from "../../../gpu-sidecar/app";
import { ModelStore } from "../../../gpu-sidecar/model-store";
import type { ProviderStatus } from "../../../gpu-sidecar/open-ranker";
import { createCpuProvider } from "../../../gpu-sidecar/providers/cpu";
import { FEATURE_SPEC } from "../../../shared/features/feature-spec";
import { scoreLinear } from "../../../shared/ranking/linear-ranker";
import { fixtureRows } from "../../support/ranker-fixture";
import { CPU_STATUS, SIDECAR_TEST_TOKEN, useFixtureSidecarApp, withToken } from "../../support/sidecar-app-fixture";

describe("sidecar app", () => {
  const { model, appWith } = useFixtureSidecarApp("app-v1");
  const post = (body: unknown, deps: Partial<SidecarAppDeps> = {}) =>
    appWith(deps).request(
      "/v1/rank",
      withToken({
        method: "POST",
        headers: { "content-type": "application/json" },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    );
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
    body.scores.forEach((score, i) => {
      expect(score).toBeCloseTo(scoreLinear(model, rows[i]!), 5);
    });
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
    const message = await expectError(
      await post({ feature_spec_hash: FEATURE_SPEC.hash, rows: fixtureRows(4) }, { maxRows: 3 }),
      413,
      "too_many_rows",
    );
    expect(message).toContain("at most 3");
  });

  it("answers 413 payload_too_large to a body far beyond what maxRows needs", async () => {
    const padding = " ".repeat(200_000);
    await expectError(
      await post(`{"feature_spec_hash":"${FEATURE_SPEC.hash}",${padding}"rows":[]}`, { maxRows: 1 }),
      413,
      "payload_too_large",
    );
  });

  it("answers 503 model_not_loaded before a model is loaded", async () => {
    // Never reloaded, so it holds no model (the folder is not read).
    const empty = new ModelStore({ modelDir: "/nonexistent-model-dir", provider: createCpuProvider() });
    await expectError(
      await post({ feature_spec_hash: FEATURE_SPEC.hash, rows: fixtureRows(1) }, { store: empty }),
      503,
      "model_not_loaded",
    );
    const health = await appWith({ store: empty }).request("/healthz");
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: "model_not_loaded", model_version: null });
  });

  it("answers 404 not_found as JSON for unknown routes", async () => {
    await expectError(await appWith().request("/v1/unknown", withToken()), 404, "not_found");
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
      loaded_versions: ["app-v1"],
    });
  });

  it("reports a provider fallback in health", async () => {
    const fellBack: ProviderStatus = { ...CPU_STATUS, requested: "cuda", fallback: { from: "cuda", reason: "no CUDA here" } };
    const body = await (await appWith({ provider: fellBack }).request("/healthz")).json();
    expect(body).toMatchObject({ provider: "cpu", provider_requested: "cuda", provider_fallback: "no CUDA here" });
  });

  it("reloads through POST /admin/reload", async () => {
    const response = await appWith().request("/admin/reload", withToken({ method: "POST" }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ model_version: "app-v1", previous_version: "app-v1", changed: false });
  });
});

describe("sidecar app authentication (SIDECAR_AUTH_TOKEN)", () => {
  const { appWith } = useFixtureSidecarApp("auth-v1");
  const rankBody = () => JSON.stringify({ feature_spec_hash: FEATURE_SPEC.hash, rows: fixtureRows(2) });
  const protectedRoutes = [
    {
      name: "POST /v1/rank",
      path: "/v1/rank",
      init: () => ({ method: "POST", headers: { "content-type": "application/json" }, body: rankBody() }),
    },
    { name: "POST /admin/reload", path: "/admin/reload", init: () => ({ method: "POST", headers: {} }) },
    { name: "GET /metrics", path: "/metrics", init: () => ({ method: "GET", headers: {} }) },
  ];
  const wrongCredentials: [string, Record<string, string>][] = [
    ["no Authorization header", {}],
    ["a wrong token", { authorization: "Bearer not-the-sidecar-token-at-all" }],
    ["the right token with one character changed", { authorization: `Bearer ${SIDECAR_TEST_TOKEN.slice(0, -1)}X` }],
    ["a prefix of the right token", { authorization: `Bearer ${SIDECAR_TEST_TOKEN.slice(0, 16)}` }],
    ["the right token under another scheme", { authorization: `Basic ${SIDECAR_TEST_TOKEN}` }],
    ["the right token without a scheme", { authorization: SIDECAR_TEST_TOKEN }],
    ["an empty bearer", { authorization: "Bearer " }],
  ];

  describe.each(protectedRoutes)("$name", ({ path, init }) => {
    it.each(wrongCredentials)("answers 401 unauthorized to %s, without echoing any token", async (_, headers) => {
      const base = init();
      const response = await appWith().request(path, { ...base, headers: { ...base.headers, ...headers } });
      expect(response.status).toBe(401);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("unauthorized");
      expect(body.error.message).toContain("SIDECAR_AUTH_TOKEN");
      expect(body.error.message).not.toContain(SIDECAR_TEST_TOKEN.slice(0, 16));
      expect(body.error.message).not.toContain("not-the-sidecar-token");
    });

    it("accepts the right token (any case of the Bearer scheme)", async () => {
      for (const scheme of ["Bearer", "bearer"]) {
        const base = init();
        const response = await appWith().request(path, {
          ...base,
          headers: { ...base.headers, authorization: `${scheme} ${SIDECAR_TEST_TOKEN}` },
        });
        expect(response.status).toBe(200);
      }
    });
  });

  it("refuses an unknown route without the token with 401, not 404 (routes are private by default)", async () => {
    const response = await appWith().request("/v1/unknown");
    expect(response.status).toBe(401);
  });

  it("keeps GET /healthz open for supervisors and load balancers", async () => {
    const response = await appWith().request("/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", model_version: "auth-v1" });
    expect((await appWith().request("/healthz", { method: "HEAD" })).status).toBe(200);
  });

  it("does not open other methods on /healthz", async () => {
    expect((await appWith().request("/healthz", { method: "POST" })).status).toBe(401);
  });
});

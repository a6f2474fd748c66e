/** Sidecar configuration from environment variables: defaults, parsing and clear errors. */
import { describe, expect, it } from "vitest";
import { loadSidecarConfig, SidecarConfigError } from "../../../gpu-sidecar/config";

/** A valid SIDECAR_AUTH_TOKEN (exactly 16 characters, the shortest accepted). */
const TOKEN = "0123456789abcdef";

/** The issues `loadSidecarConfig(env)` reports. */
function issuesOf(env: Record<string, string>): string[] {
  try {
    loadSidecarConfig(env);
  } catch (error) {
    if (error instanceof SidecarConfigError) return error.issues;
    throw error;
  }
  throw new Error("the configuration was accepted");
}

describe("loadSidecarConfig", () => {
  it("applies the defaults when only the model folder and the token are set", () => {
    expect(loadSidecarConfig({ SIDECAR_MODEL_DIR: "artifacts/latest", SIDECAR_AUTH_TOKEN: TOKEN })).toEqual({
      host: "127.0.0.1",
      port: 8788,
      modelDir: "artifacts/latest",
      releasesDir: undefined,
      maxModels: 3,
      provider: "cpu",
      providerFallback: "none",
      precision: "auto",
      maxRows: 2000,
      authToken: TOKEN,
      inferenceThreads: 0,
      batching: { enabled: true, maxBatchRows: 2048, maxQueueDelayMs: 2, maxQueueRows: 16384, requestTimeoutMs: 1000 },
    });
  });

  it("reads every variable and treats empty ones as unset", () => {
    const config = loadSidecarConfig({
      SIDECAR_HOST: "0.0.0.0",
      SIDECAR_PORT: "0",
      SIDECAR_MODEL_DIR: "/models/current",
      SIDECAR_RELEASES_DIR: "/models/releases",
      SIDECAR_MAX_MODELS: "5",
      SIDECAR_PROVIDER: "webgpu",
      SIDECAR_PROVIDER_FALLBACK: "cpu",
      SIDECAR_PRECISION: "fp16",
      SIDECAR_MAX_ROWS: "500",
      SIDECAR_AUTH_TOKEN: "tok-0123456789abcdef-xyz",
      SIDECAR_ADMIN_TOKEN: "",
      SIDECAR_INFERENCE_THREADS: "3",
      SIDECAR_BATCHING: "off",
      SIDECAR_MAX_BATCH_ROWS: "4096",
      SIDECAR_MAX_QUEUE_DELAY_MS: "0.5",
      SIDECAR_MAX_QUEUE_ROWS: "500",
      SIDECAR_REQUEST_TIMEOUT_MS: "250",
    });
    expect(config).toEqual({
      host: "0.0.0.0",
      port: 0,
      modelDir: "/models/current",
      releasesDir: "/models/releases",
      maxModels: 5,
      provider: "webgpu",
      providerFallback: "cpu",
      precision: "fp16",
      maxRows: 500,
      authToken: "tok-0123456789abcdef-xyz",
      inferenceThreads: 3,
      batching: { enabled: false, maxBatchRows: 4096, maxQueueDelayMs: 0.5, maxQueueRows: 500, requestTimeoutMs: 250 },
    });
  });

  it("requires SIDECAR_MODEL_DIR and says what it is", () => {
    expect(() => loadSidecarConfig({ SIDECAR_MODEL_DIR: " ", SIDECAR_AUTH_TOKEN: TOKEN })).toThrow(
      "invalid sidecar configuration: SIDECAR_MODEL_DIR is required: the folder that contains the model's manifest.json",
    );
  });

  it("names every invalid variable with the value it got", () => {
    const error = (() => {
      try {
        loadSidecarConfig({
          SIDECAR_MODEL_DIR: "m",
          SIDECAR_AUTH_TOKEN: TOKEN,
          SIDECAR_PORT: "eighty",
          SIDECAR_PROVIDER: "tpu",
          SIDECAR_PROVIDER_FALLBACK: "wasm",
          SIDECAR_MAX_ROWS: "1.5",
        });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SidecarConfigError);
    expect((error as SidecarConfigError).issues).toEqual([
      'SIDECAR_PORT must be a port number (got "eighty")',
      'SIDECAR_PROVIDER must be one of cpu, wasm, webgpu, cuda (got "tpu")',
      'SIDECAR_PROVIDER_FALLBACK must be one of none, cpu (got "wasm")',
      'SIDECAR_MAX_ROWS must be an integer (got "1.5")',
    ]);
  });

  it("names invalid batching variables", () => {
    const issues = (() => {
      try {
        loadSidecarConfig({
          SIDECAR_MODEL_DIR: "m",
          SIDECAR_AUTH_TOKEN: TOKEN,
          SIDECAR_BATCHING: "yes",
          SIDECAR_MAX_BATCH_ROWS: "0",
          SIDECAR_MAX_QUEUE_DELAY_MS: "-1",
          SIDECAR_REQUEST_TIMEOUT_MS: "soon",
        });
      } catch (e) {
        return (e as SidecarConfigError).issues;
      }
    })();
    expect(issues).toEqual([
      'SIDECAR_BATCHING must be one of on, off (got "yes")',
      'SIDECAR_MAX_BATCH_ROWS must be at least 1 (got "0")',
      'SIDECAR_MAX_QUEUE_DELAY_MS must be at least 0 (got "-1")',
      'SIDECAR_REQUEST_TIMEOUT_MS must be a number (got "soon")',
    ]);
  });

  it("rejects an invalid inference thread count", () => {
    expect(() => loadSidecarConfig({ SIDECAR_MODEL_DIR: "m", SIDECAR_AUTH_TOKEN: TOKEN, SIDECAR_INFERENCE_THREADS: "-1" })).toThrow(
      'SIDECAR_INFERENCE_THREADS must be at least 0 (got "-1")',
    );
    expect(() => loadSidecarConfig({ SIDECAR_MODEL_DIR: "m", SIDECAR_AUTH_TOKEN: TOKEN, SIDECAR_INFERENCE_THREADS: "two" })).toThrow(
      'SIDECAR_INFERENCE_THREADS must be a number (got "two")',
    );
  });

  it("treats an empty SIDECAR_RELEASES_DIR or SIDECAR_MAX_MODELS as unset", () => {
    const config = loadSidecarConfig({
      SIDECAR_MODEL_DIR: "m",
      SIDECAR_AUTH_TOKEN: TOKEN,
      SIDECAR_RELEASES_DIR: " ",
      SIDECAR_MAX_MODELS: "",
    });
    expect(config).toMatchObject({ releasesDir: undefined, maxModels: 3 });
  });

  it("accepts SIDECAR_MAX_MODELS=1 and refuses 0, fractions and words", () => {
    expect(loadSidecarConfig({ SIDECAR_MODEL_DIR: "m", SIDECAR_AUTH_TOKEN: TOKEN, SIDECAR_MAX_MODELS: "1" }).maxModels).toBe(1);
    expect(issuesOf({ SIDECAR_MODEL_DIR: "m", SIDECAR_AUTH_TOKEN: TOKEN, SIDECAR_MAX_MODELS: "0" })).toEqual([
      'SIDECAR_MAX_MODELS must be at least 1 (got "0")',
    ]);
    expect(issuesOf({ SIDECAR_MODEL_DIR: "m", SIDECAR_AUTH_TOKEN: TOKEN, SIDECAR_MAX_MODELS: "2.5" })).toEqual([
      'SIDECAR_MAX_MODELS must be an integer (got "2.5")',
    ]);
    expect(issuesOf({ SIDECAR_MODEL_DIR: "m", SIDECAR_AUTH_TOKEN: TOKEN, SIDECAR_MAX_MODELS: "many" })).toEqual([
      'SIDECAR_MAX_MODELS must be a number (got "many")',
    ]);
  });

  it("requires the queue to hold at least one largest request", () => {
    expect(() =>
      loadSidecarConfig({ SIDECAR_MODEL_DIR: "m", SIDECAR_AUTH_TOKEN: TOKEN, SIDECAR_MAX_ROWS: "3000", SIDECAR_MAX_QUEUE_ROWS: "2999" }),
    ).toThrow(
      'SIDECAR_MAX_QUEUE_ROWS must be at least SIDECAR_MAX_ROWS (3000), so that the largest request fits in the queue (got "2999")',
    );
  });

  it("rejects out-of-range ports and row limits", () => {
    expect(() => loadSidecarConfig({ SIDECAR_MODEL_DIR: "m", SIDECAR_AUTH_TOKEN: TOKEN, SIDECAR_PORT: "70000" })).toThrow(
      /SIDECAR_PORT must be between 0 and 65535/,
    );
    expect(() => loadSidecarConfig({ SIDECAR_MODEL_DIR: "m", SIDECAR_AUTH_TOKEN: TOKEN, SIDECAR_MAX_ROWS: "0" })).toThrow(
      /SIDECAR_MAX_ROWS must be at least 1/,
    );
  });

  it("requires SIDECAR_AUTH_TOKEN and says what it is for", () => {
    for (const value of [undefined, "", "   "]) {
      const env: Record<string, string> = { SIDECAR_MODEL_DIR: "m" };
      if (value !== undefined) env.SIDECAR_AUTH_TOKEN = value;
      expect(issuesOf(env)).toEqual([
        "SIDECAR_AUTH_TOKEN is required: the shared secret callers present as Authorization: Bearer <token> (the Worker's RANKER_TOKEN)",
      ]);
    }
  });

  it("refuses a SIDECAR_AUTH_TOKEN shorter than 16 characters or with spaces, without showing it", () => {
    expect(issuesOf({ SIDECAR_MODEL_DIR: "m", SIDECAR_AUTH_TOKEN: "short-secret" })).toEqual([
      "SIDECAR_AUTH_TOKEN must be at least 16 characters",
    ]);
    expect(issuesOf({ SIDECAR_MODEL_DIR: "m", SIDECAR_AUTH_TOKEN: "a secret with spaces" })).toEqual([
      "SIDECAR_AUTH_TOKEN must be printable ASCII without spaces",
    ]);
    const error = (() => {
      try {
        loadSidecarConfig({ SIDECAR_MODEL_DIR: "m", SIDECAR_AUTH_TOKEN: "short-secret" });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toBe("invalid sidecar configuration: SIDECAR_AUTH_TOKEN must be at least 16 characters");
  });

  it("refuses the retired SIDECAR_ADMIN_TOKEN instead of silently ignoring it, without showing it", () => {
    expect(issuesOf({ SIDECAR_MODEL_DIR: "m", SIDECAR_AUTH_TOKEN: TOKEN, SIDECAR_ADMIN_TOKEN: "old-admin-secret-123" })).toEqual([
      "SIDECAR_ADMIN_TOKEN is no longer read: SIDECAR_AUTH_TOKEN now guards every route but /healthz, /admin/* included; unset it",
    ]);
  });
});

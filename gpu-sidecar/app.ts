/**
 * The sidecar's HTTP API (Hono, served by @hono/node-server in `main.ts`, testable with
 * `app.request()`):
 *
 * - `POST /v1/rank` `{feature_spec_hash, rows, timeout_ms?, model_version?}` → `{scores, model_version, provider, timings_ms, batch}`;
 *   rows are checked, then queued in the dynamic batcher (`batching/`) and scored in a batch.
 *   An `x-model-version` header (or `model_version`) names the model version to score with: the
 *   default model's, a loaded release's, or one loaded now from `SIDECAR_RELEASES_DIR`; a version
 *   the sidecar cannot serve is 409 `model_version_unavailable`. Unnamed: the default model.
 *   With `content-type: application/octet-stream` the body is the feature matrix itself
 *   (row-major little-endian float32; `x-feature-spec-hash`, `x-timeout-ms?` headers), and with
 *   `accept: application/octet-stream` the answer is the scores as little-endian float32 (model
 *   version, provider, timings and batch in `x-*` headers); see `rank-request.ts`
 * - `GET /healthz` → `{status: "ok", model_version, provider, feature_spec_hash, uptime_s, batching, queue, loaded_versions, ...}`
 * - `GET /v1/models` → `{default, loaded: [{version, loaded_at, in_flight, last_used_at}], max_models}`
 * - `GET /metrics` → Prometheus text format (`sidecar-metrics.ts`)
 * - `POST /admin/reload` → reloads the default model's folder, swapping versions without dropping requests
 *
 * Every route except `GET /healthz` (liveness, for supervisors and load balancers) requires
 * `Authorization: Bearer <SIDECAR_AUTH_TOKEN>` and answers 401 `unauthorized` without it
 * (`bearer-auth.ts`), so a route added later is private unless it is listed as open.
 *
 * Every error is JSON `{error: {code, message}}` with the status of its code (see `sidecar-error.ts`);
 * client mistakes are 4xx, never 500; an overloaded sidecar answers 503 with `Retry-After`.
 */
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { FEATURE_SPEC } from "../shared/features/feature-spec";
import { systemClock } from "./batching/batcher-clock";
import { requireBearer } from "./bearer-auth";
import { BatcherRejection, type BatcherRejectionReason } from "./batching/dynamic-batcher";
import { createRankBatcher, type RankBatcher, type RankBatchResult } from "./batching/rank-batcher";
import { SIDECAR_CONFIG_DEFAULTS } from "./config";
import { errorMessage } from "../shared/errors/error-message";
import { silentLogger, type JsonLogger } from "./json-logger";
import type { ModelLease, ModelStore } from "./model-store";
import { ModelVersionError } from "./model-version";
import type { ProviderStatus } from "./open-ranker";
import {
  BINARY_CONTENT_TYPE,
  binaryRowCount,
  float32LittleEndianBytes,
  isBinaryMediaType,
  packFeatureRows,
  RANK_HEADERS,
  rankRequestSchema,
  readBinaryFeatureRows,
} from "./rank-request";
import { SidecarError, type SidecarErrorCode } from "./sidecar-error";
import { createSidecarMetrics, type SidecarMetrics } from "./sidecar-metrics";

/** What the app needs from the rest of the sidecar. */
export interface SidecarAppDeps {
  /** The model store requests lease models from. */
  store: Pick<ModelStore, "acquire" | "acquireVersion" | "current" | "models" | "maxModels" | "reload">;
  /** The provider the store's sessions run on. */
  provider: ProviderStatus;
  /** Most rows per `/v1/rank` request (default 2000). */
  maxRows?: number;
  /** The shared secret every route but `GET /healthz` requires as `Authorization: Bearer <authToken>` (`SIDECAR_AUTH_TOKEN`). */
  authToken: string;
  logger?: JsonLogger;
  /** Millisecond clock for timings and uptime (default `performance.now`). */
  now?: () => number;
  /** Metrics served at `/metrics` (default: a fresh registry). */
  metrics?: SidecarMetrics;
  /** The dynamic batcher rank requests go through (default: batching with its defaults, feeding `metrics`). */
  batcher?: RankBatcher;
}

/** `POST /v1/rank` success body. */
export interface RankResponseBody {
  /** One score per request row, in row order. */
  scores: number[];
  model_version: string;
  provider: string;
  /** Time queued before the batch started, and the batch's inference time. */
  timings_ms: { queue: number; inference: number };
  /** Size of the batch the request was scored in. */
  batch: { rows: number; requests: number };
}

/** `GET /healthz` body. */
export interface HealthBody {
  status: "ok" | "model_not_loaded";
  model_version: string | null;
  provider: string;
  provider_requested: string;
  /** Why the requested provider was replaced by the CPU, or `null` when it serves. */
  provider_fallback: string | null;
  runtime: string;
  feature_spec_hash: string | null;
  uptime_s: number;
  batching: { enabled: boolean; max_batch_rows: number; max_queue_delay_ms: number; max_queue_rows: number; request_timeout_ms: number };
  /** Requests and rows waiting in the batching queue now. */
  queue: { requests: number; rows: number };
  /** Every model version loaded, the default (`model_version`) first. */
  loaded_versions: string[];
}

/** `GET /v1/models` body. */
export interface ModelsBody {
  /** The default model's version (served when a request names none), `null` before it loads. */
  default: string | null;
  /** Every loaded version, the default first; times are ISO 8601, `last_used_at` `null` if unused yet. */
  loaded: { version: string; loaded_at: string; in_flight: number; last_used_at: string | null }[];
  /** SIDECAR_MAX_MODELS: most versions loaded at once (exceeded only while every other version is busy). */
  max_models: number;
}

/** JSON bytes allowed per feature value (generous: covers pretty-printed bodies). */
const BYTES_PER_VALUE = 64;
const BODY_OVERHEAD_BYTES = 64 * 1024;

/** What an overloaded sidecar asks callers to wait before retrying. */
const RETRY_AFTER_SECONDS = 1;

const rejectionCodes = {
  queue_full: "queue_full",
  timeout: "request_timeout",
} as const satisfies Record<BatcherRejectionReason, SidecarErrorCode>;

/**
 * Creates the sidecar's Hono app.
 *
 * @example
 * const app = createSidecarApp({ store, provider, authToken: process.env.SIDECAR_AUTH_TOKEN! });
 * const res = await app.request("/v1/rank", {
 *   method: "POST",
 *   headers: { authorization: `Bearer ${process.env.SIDECAR_AUTH_TOKEN}` },
 *   body: JSON.stringify({ feature_spec_hash: FEATURE_SPEC.hash, rows: [[0.8, 1, 3.2, 4, 0, 2.3]] }),
 * });
 * await res.json(); // { scores: [0.71], model_version: "...", provider: "cpu", timings_ms: { queue: 2.01, inference: 0.08 }, batch: { rows: 1, requests: 1 } }
 */
export function createSidecarApp(deps: SidecarAppDeps): Hono {
  const { store, provider, maxRows, authToken, logger, now } = {
    maxRows: SIDECAR_CONFIG_DEFAULTS.maxRows,
    logger: silentLogger,
    now: () => performance.now(),
    ...deps,
  };
  const metrics = deps.metrics ?? createSidecarMetrics();
  const batcher = deps.batcher ?? createRankBatcher({ metrics, clock: { ...systemClock, now } });
  const startedAt = now();
  const app = new Hono();

  app.onError((error, c) => {
    if (error instanceof SidecarError) {
      const overloaded = error.retryAfterSeconds !== undefined;
      const log = error.status >= 500 && !overloaded ? logger.error : logger.warn;
      log("request_failed", { method: c.req.method, path: c.req.path, status: error.status, code: error.code, message: error.message });
      metrics.countError(error.code);
      if (overloaded) c.header("Retry-After", String(error.retryAfterSeconds));
      return c.json(error.toJSON(), error.status);
    }
    logger.error("request_failed", { method: c.req.method, path: c.req.path, status: 500, code: "internal", message: errorMessage(error) });
    metrics.countError("internal");
    return c.json(new SidecarError("internal", "internal error").toJSON(), 500);
  });
  app.notFound((c) => {
    throw new SidecarError("not_found", `no route for ${c.req.method} ${c.req.path}`);
  });

  app.use("*", requireBearer({ token: authToken, open: [{ method: "GET", path: "/healthz" }] }));

  app.get("/healthz", (c) => {
    const model = store.current;
    const body: HealthBody = {
      status: model ? "ok" : "model_not_loaded",
      model_version: model?.version ?? null,
      provider: provider.active,
      provider_requested: provider.requested,
      provider_fallback: provider.fallback?.reason ?? null,
      runtime: [provider.description.runtime, provider.description.runtimeVersion].filter(Boolean).join(" "),
      feature_spec_hash: model?.featureSpecHash ?? null,
      uptime_s: Math.round((now() - startedAt) / 1000),
      batching: {
        enabled: batcher.config.enabled,
        max_batch_rows: batcher.config.maxBatchRows,
        max_queue_delay_ms: batcher.config.maxQueueDelayMs,
        max_queue_rows: batcher.config.maxQueueRows,
        request_timeout_ms: batcher.config.requestTimeoutMs,
      },
      queue: { requests: batcher.stats.queuedRequests, rows: batcher.stats.queuedRows },
      loaded_versions: store.models.map((loaded) => loaded.version),
    };
    return c.json(body, model ? 200 : 503);
  });

  app.get("/v1/models", (c) => {
    const body: ModelsBody = {
      default: store.current?.version ?? null,
      loaded: store.models.map((loaded) => ({
        version: loaded.version,
        loaded_at: loaded.loadedAt.toISOString(),
        in_flight: loaded.inFlight,
        last_used_at: loaded.lastUsedAt?.toISOString() ?? null,
      })),
      max_models: store.maxModels,
    };
    return c.json(body);
  });

  app.get("/metrics", async (c) => {
    metrics.setModel(store.current, provider.active);
    metrics.modelsLoaded.set(store.models.length);
    return c.body(await metrics.registry.metrics(), 200, { "content-type": metrics.registry.contentType });
  });

  app.use("/v1/rank", async (c, next) => {
    await next();
    metrics.requests.inc({ status: String(c.res.status) });
  });

  app.post("/v1/rank", limitBody(maxRows * FEATURE_SPEC.size * BYTES_PER_VALUE + BODY_OVERHEAD_BYTES, maxRows), async (c) => {
    const binary = isBinaryMediaType(c.req.header("content-type"));
    const request = binary ? await readBinaryRequest(c) : await readJsonRequest(c, maxRows);
    const lease = request.modelVersion === undefined ? store.acquire() : await acquireVersion(store, request.modelVersion);
    if (!lease) throw new SidecarError("model_not_loaded", "no ranker model is loaded");
    let queued = false;
    try {
      const { model } = lease;
      if (request.featureSpecHash !== model.featureSpecHash) {
        throw new SidecarError(
          "feature_spec_mismatch",
          `request feature_spec_hash "${request.featureSpecHash}" differs from "${model.featureSpecHash}" of model ${model.version}`,
        );
      }
      let features: Float32Array;
      if (request.kind === "json") {
        features = packFeatureRows(request.rows, model.featureCount);
      } else {
        const rowCount = binaryRowCount(request.body.byteLength, model.featureCount);
        if (rowCount > maxRows) throw tooManyRows(rowCount, maxRows);
        features = readBinaryFeatureRows(request.body, model.featureCount);
      }
      const rowCount = features.length / model.featureCount;
      const submittedAt = now();
      let result: RankBatchResult;
      if (rowCount === 0) {
        result = { scores: new Float32Array(0), inferenceMs: 0, startedAt: submittedAt, batchRows: 0, batchRequests: 0 };
      } else {
        queued = true;
        result = await batcher
          .submit({ rows: rowCount, group: model, payload: features, timeoutMs: request.timeoutMs, release: lease.release })
          .catch((error: unknown) => {
            throw batchFailure(error, provider.active);
          });
      }
      metrics.rows.inc(rowCount);
      metrics.rowsByVersion.inc({ model_version: model.version }, rowCount);
      const timings = { queue: roundMs(result.startedAt - submittedAt), inference: roundMs(result.inferenceMs) };
      if (isBinaryMediaType(c.req.header("accept"))) {
        return c.body(float32LittleEndianBytes(result.scores), 200, {
          "content-type": BINARY_CONTENT_TYPE,
          [RANK_HEADERS.modelVersion]: model.version,
          [RANK_HEADERS.provider]: provider.active,
          [RANK_HEADERS.timings]: `queue=${timings.queue}, inference=${timings.inference}`,
          [RANK_HEADERS.batch]: `rows=${result.batchRows}, requests=${result.batchRequests}`,
        });
      }
      const body: RankResponseBody = {
        scores: Array.from(result.scores),
        model_version: model.version,
        provider: provider.active,
        timings_ms: timings,
        batch: { rows: result.batchRows, requests: result.batchRequests },
      };
      return c.json(body, 200, { [RANK_HEADERS.modelVersion]: model.version });
    } finally {
      if (!queued) lease.release();
    }
  });

  app.post("/admin/reload", async (c) => {
    try {
      const { model, previousVersion } = await store.reload();
      logger.info("model_reloaded", { model_version: model.version, previous_version: previousVersion ?? null });
      return c.json({
        model_version: model.version,
        previous_version: previousVersion ?? null,
        changed: model.version !== previousVersion,
      });
    } catch (error) {
      throw new SidecarError(
        "reload_failed",
        `reload failed, still serving ${store.current?.version ?? "no model"}: ${errorMessage(error)}`,
      );
    }
  });

  return app;
}

/**
 * Refuses a body larger than `maxSize` with 413 `payload_too_large`. A body with a
 * `content-length` is judged by it and left to the handler to read (so @hono/node-server reads it
 * straight from the socket: touching `c.req.raw.body`, as hono's `bodyLimit` does, builds a full
 * fetch `Request` and a web stream per request, a large share of a small request's CPU); a chunked
 * body goes through hono's `bodyLimit`, which counts the bytes as they arrive.
 */
function limitBody(maxSize: number, maxRows: number): MiddlewareHandler {
  const tooLarge = () => new SidecarError("payload_too_large", `request body is too large for ${maxRows} rows`);
  const streamed = bodyLimit({
    maxSize,
    onError: () => {
      throw tooLarge();
    },
  });
  return async (c, next) => {
    const length = c.req.header("content-length");
    if (length !== undefined && c.req.header("transfer-encoding") === undefined) {
      if (!/^\d+$/.test(length.trim())) throw new SidecarError("invalid_request", `content-length "${length}" is not a byte count`);
      if (Number(length) > maxSize) throw tooLarge();
      return next();
    }
    return streamed(c, next);
  };
}

/** The error response for a request the batcher refused, timed out or failed to run. */
function batchFailure(error: unknown, provider: string): SidecarError {
  if (error instanceof BatcherRejection) {
    const setting = error.reason === "queue_full" ? "SIDECAR_MAX_QUEUE_ROWS" : "SIDECAR_REQUEST_TIMEOUT_MS";
    return new SidecarError(rejectionCodes[error.reason], `${error.message} (${setting}); retry later`, {
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    });
  }
  return new SidecarError("inference_failed", `inference failed on ${provider}: ${errorMessage(error)}`);
}

/** A rank request read from either encoding, before the model's checks. */
type ParsedRankRequest = { featureSpecHash: string; timeoutMs: number | undefined; modelVersion: string | undefined } & (
  | { kind: "json"; rows: unknown[] }
  | { kind: "binary"; body: Uint8Array }
);

/**
 * Leases model version `version` for a request: a name that is not a model version is 400
 * `invalid_request`; a version the store cannot serve (no such release, no releases folder, a
 * model that fails to load) is 409 `model_version_unavailable`, never a 500, so the caller falls
 * back to its own ranker for that release.
 */
async function acquireVersion(store: Pick<ModelStore, "acquireVersion">, version: string): Promise<ModelLease> {
  try {
    return await store.acquireVersion(version);
  } catch (error) {
    if (error instanceof ModelVersionError && error.code === "invalid_version") {
      throw new SidecarError("invalid_request", error.message);
    }
    throw new SidecarError("model_version_unavailable", errorMessage(error));
  }
}

/**
 * The model version a request names: the `x-model-version` header, or the JSON body's
 * `model_version` (both may be sent if they agree); `undefined` when neither is.
 */
function requestedModelVersion(c: Context, bodyVersion: string | undefined): string | undefined {
  const header = c.req.header(RANK_HEADERS.modelVersion);
  if (header !== undefined && bodyVersion !== undefined && header !== bodyVersion) {
    throw new SidecarError(
      "invalid_request",
      `the ${RANK_HEADERS.modelVersion} header ("${header.slice(0, 140)}") and model_version ("${bodyVersion.slice(0, 140)}") name different model versions`,
    );
  }
  return header ?? bodyVersion;
}

async function readJsonRequest(c: Context, maxRows: number): Promise<ParsedRankRequest> {
  const parsed = rankRequestSchema.safeParse(await readJson(c));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`);
    throw new SidecarError(
      "invalid_request",
      `expected {feature_spec_hash: string, rows: number[][], timeout_ms?: number, model_version?: string}; ${problems.join("; ")}`,
    );
  }
  const { feature_spec_hash: featureSpecHash, rows, timeout_ms: timeoutMs, model_version: bodyVersion } = parsed.data;
  if (rows.length > maxRows) throw tooManyRows(rows.length, maxRows);
  return { kind: "json", featureSpecHash, timeoutMs, modelVersion: requestedModelVersion(c, bodyVersion), rows };
}

/** The binary encoding: metadata in headers, the float32 matrix as the body (see `rank-request.ts`). */
async function readBinaryRequest(c: Context): Promise<ParsedRankRequest> {
  const featureSpecHash = c.req.header(RANK_HEADERS.featureSpecHash)?.trim() ?? "";
  if (featureSpecHash === "") {
    throw new SidecarError("invalid_request", `a ${BINARY_CONTENT_TYPE} rank request needs the ${RANK_HEADERS.featureSpecHash} header`);
  }
  const timeoutHeader = c.req.header(RANK_HEADERS.timeoutMs);
  let timeoutMs: number | undefined;
  if (timeoutHeader !== undefined) {
    timeoutMs = timeoutHeader.trim() === "" ? Number.NaN : Number(timeoutHeader);
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new SidecarError(
        "invalid_request",
        `${RANK_HEADERS.timeoutMs} must be a positive number of milliseconds, got "${timeoutHeader}"`,
      );
    }
  }
  const modelVersion = requestedModelVersion(c, undefined);
  return { kind: "binary", featureSpecHash, timeoutMs, modelVersion, body: new Uint8Array(await c.req.arrayBuffer()) };
}

function tooManyRows(rows: number, maxRows: number): SidecarError {
  return new SidecarError("too_many_rows", `${rows} rows in one request; at most ${maxRows} are accepted (SIDECAR_MAX_ROWS)`);
}

function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SidecarError("invalid_json", `request body is not valid JSON: ${errorMessage(error)}`);
  }
}

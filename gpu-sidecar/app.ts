/**
 * The sidecar's HTTP API (Hono, served by @hono/node-server in `main.ts`, testable with
 * `app.request()`):
 *
 * - `POST /v1/rank` `{feature_spec_hash, rows}` → `{scores, model_version, provider, timings_ms}`
 * - `GET /healthz` → `{status: "ok", model_version, provider, feature_spec_hash, uptime_s, ...}`
 * - `POST /admin/reload` → reloads the model folder, swapping versions without dropping requests
 *
 * Every error is JSON `{error: {code, message}}` with the status of its code (see `sidecar-error.ts`);
 * client mistakes are 4xx, never 500.
 */
import { timingSafeEqual } from "node:crypto";
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { FEATURE_SPEC } from "../shared/features/feature-spec";
import { SIDECAR_CONFIG_DEFAULTS } from "./config";
import { errorMessage } from "./error-message";
import { silentLogger, type JsonLogger } from "./json-logger";
import type { ModelStore } from "./model-store";
import type { ProviderStatus } from "./open-ranker";
import { packFeatureRows, rankRequestSchema } from "./rank-request";
import { SidecarError } from "./sidecar-error";

/** What the app needs from the rest of the sidecar. */
export interface SidecarAppDeps {
  /** The model store requests lease models from. */
  store: Pick<ModelStore, "acquire" | "current" | "reload">;
  /** The provider the store's sessions run on. */
  provider: ProviderStatus;
  /** Most rows per `/v1/rank` request (default 2000). */
  maxRows?: number;
  /** When set, `POST /admin/reload` requires `Authorization: Bearer <adminToken>`. */
  adminToken?: string;
  logger?: JsonLogger;
  /** Millisecond clock for timings and uptime (default `performance.now`). */
  now?: () => number;
}

/** `POST /v1/rank` success body. */
export interface RankResponseBody {
  /** One score per request row, in row order. */
  scores: number[];
  model_version: string;
  provider: string;
  timings_ms: { inference: number };
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
}

/** JSON bytes allowed per feature value (generous: covers pretty-printed bodies). */
const BYTES_PER_VALUE = 64;
const BODY_OVERHEAD_BYTES = 64 * 1024;

/**
 * Creates the sidecar's Hono app.
 *
 * @example
 * const app = createSidecarApp({ store, provider });
 * const res = await app.request("/v1/rank", {
 *   method: "POST",
 *   body: JSON.stringify({ feature_spec_hash: FEATURE_SPEC.hash, rows: [[0.8, 1, 3.2, 4, 0, 2.3]] }),
 * });
 * await res.json(); // { scores: [0.71], model_version: "...", provider: "cpu", timings_ms: { inference: 0.08 } }
 */
export function createSidecarApp(deps: SidecarAppDeps): Hono {
  const { store, provider, maxRows, adminToken, logger, now } = {
    maxRows: SIDECAR_CONFIG_DEFAULTS.maxRows,
    logger: silentLogger,
    now: () => performance.now(),
    ...deps,
  };
  const startedAt = now();
  const app = new Hono();

  app.onError((error, c) => {
    if (error instanceof SidecarError) {
      const log = error.status >= 500 ? logger.error : logger.warn;
      log("request_failed", { method: c.req.method, path: c.req.path, status: error.status, code: error.code, message: error.message });
      return c.json(error.toJSON(), error.status);
    }
    logger.error("request_failed", { method: c.req.method, path: c.req.path, status: 500, code: "internal", message: errorMessage(error) });
    return c.json(new SidecarError("internal", "internal error").toJSON(), 500);
  });
  app.notFound((c) => {
    throw new SidecarError("not_found", `no route for ${c.req.method} ${c.req.path}`);
  });

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
    };
    return c.json(body, model ? 200 : 503);
  });

  app.post(
    "/v1/rank",
    bodyLimit({
      maxSize: maxRows * FEATURE_SPEC.size * BYTES_PER_VALUE + BODY_OVERHEAD_BYTES,
      onError: () => {
        throw new SidecarError("payload_too_large", `request body is too large for ${maxRows} rows`);
      },
    }),
    async (c) => {
      const parsed = rankRequestSchema.safeParse(await readJson(c));
      if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`);
        throw new SidecarError("invalid_request", `expected {feature_spec_hash: string, rows: number[][]}; ${problems.join("; ")}`);
      }
      const { feature_spec_hash: featureSpecHash, rows } = parsed.data;
      if (rows.length > maxRows) {
        throw new SidecarError("too_many_rows", `${rows.length} rows in one request; at most ${maxRows} are accepted (SIDECAR_MAX_ROWS)`);
      }
      const lease = store.acquire();
      if (!lease) throw new SidecarError("model_not_loaded", "no ranker model is loaded");
      try {
        const { model } = lease;
        if (featureSpecHash !== model.featureSpecHash) {
          throw new SidecarError(
            "feature_spec_mismatch",
            `request feature_spec_hash "${featureSpecHash}" differs from "${model.featureSpecHash}" of model ${model.version}`,
          );
        }
        const features = packFeatureRows(rows, model.featureCount);
        const started = now();
        const scores = await model.session.run(features, rows.length).catch((error: unknown) => {
          throw new SidecarError("inference_failed", `inference failed on ${provider.active}: ${errorMessage(error)}`);
        });
        const body: RankResponseBody = {
          scores: Array.from(scores),
          model_version: model.version,
          provider: provider.active,
          timings_ms: { inference: Math.round((now() - started) * 1000) / 1000 },
        };
        return c.json(body);
      } finally {
        lease.release();
      }
    },
  );

  app.post("/admin/reload", async (c) => {
    if (adminToken !== undefined && !bearerMatches(c.req.header("authorization"), adminToken)) {
      throw new SidecarError("unauthorized", "POST /admin/reload needs Authorization: Bearer <SIDECAR_ADMIN_TOKEN>");
    }
    try {
      const { model, previousVersion } = await store.reload();
      logger.info("model_reloaded", { model_version: model.version, previous_version: previousVersion ?? null });
      return c.json({ model_version: model.version, previous_version: previousVersion ?? null, changed: model.version !== previousVersion });
    } catch (error) {
      throw new SidecarError("reload_failed", `reload failed, still serving ${store.current?.version ?? "no model"}: ${errorMessage(error)}`);
    }
  });

  return app;
}

async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SidecarError("invalid_json", `request body is not valid JSON: ${errorMessage(error)}`);
  }
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const expected = Buffer.from(`Bearer ${token}`);
  const given = Buffer.from(header ?? "");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

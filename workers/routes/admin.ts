/**
 * Admin routes (a credential with the `admin` scope: `Authorization: Bearer <ADMIN_TOKEN>`): publishing to and inspecting the vector
 * index, and inspecting a user's session. `npm start` publishes the demo model through them.
 *
 * - `GET  /v1/admin/index` — describe the active index (embedded: also config and version); every
 *   index route takes `?release=<id>` to work on that release's embedded index instead of the serving one
 * - `PUT  /v1/admin/index` — (re)create the embedded index: `{dimensions, metric, metadata_indexes}`
 * - `POST /v1/admin/index/vectors` — upsert Vectorize NDJSON lines (≤ 1000 per call)
 * - `POST /v1/admin/index/delete` — `{ids: [...]}`
 * - `PUT  /v1/admin/index/version` — `{version}` once a full upload is done (embedded)
 * - `POST /v1/admin/digests` — email digests for many users (routes/digests.ts)
 * - `GET|PUT|POST|DELETE /v1/admin/releases…` — register, activate, canary, delete releases (routes/releases-admin.ts)
 * - `GET  /v1/admin/event-log`, `GET /v1/admin/event-log/object` — read the event lake (routes/event-log-admin.ts)
 * - `POST|GET /v1/admin/keys`, `DELETE /v1/admin/keys/:key_id` — server keys (routes/keys.ts)
 * - `GET  /v1/admin/experiments` — the configured experiments
 * - `GET  /v1/admin/experiments/:id` — live per-arm counters, CTR and conversion with 95 % Wilson
 *   intervals, empty-list rate, latency p99 and guardrails against the control arm
 * - `GET  /v1/admin/users/:user_id/session` — the user's session snapshot
 *
 * @example
 * curl -H "authorization: Bearer $ADMIN_TOKEN" http://127.0.0.1:8787/v1/admin/index
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { embeddedIndexName, releaseIdSchema } from "../../shared/artifacts/release";
import { idSchema } from "../../shared/events/interaction-event";
import { VECTORIZE_LIMITS } from "../../shared/vector-index/limits";
import type { VectorRecord } from "../../shared/vector-index/vector-index";
import { VectorIndexError } from "../../shared/vector-index/vector-index-error";
import type { AppEnv } from "../app-env";
import { servingConfigFor } from "../config/serving-config";
import { ApiError } from "../errors/api-error";
import { experimentReport } from "../experiments/experiment-report";
import { digestsRoute } from "./digests";
import { eventLogAdminRoute } from "./event-log-admin";
import { releasesAdminRoute } from "./releases-admin";
import { keysRoute } from "./keys";
import { adminAuth } from "../middleware/admin-auth";
import { validate } from "../middleware/validate";
import { vectorIndexFor } from "../services";
import { servingEmbeddedIndexName } from "../vector-index/select-vector-index";
import { EmbeddedVectorIndexClient } from "../vector-index/embedded";
import { readBodyText } from "./read-body-text";
import { readJsonBody } from "./read-json-body";

/** Largest NDJSON upload accepted in one call, in bytes. */
const MAX_NDJSON_BYTES = 25 * 1024 * 1024;

const configureSchema = z.object({
  dimensions: z.number().int().min(1).max(VECTORIZE_LIMITS.maxDimensions),
  metric: z.enum(["cosine", "euclidean", "dot-product"]),
  metadata_indexes: z.record(z.string(), z.enum(["string", "number", "boolean"])).default({}),
});

const vectorLineSchema = z.object({
  id: z.string(),
  values: z.array(z.number()),
  namespace: z.string().optional(),
  metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])).optional(),
});

function embeddedIndex(env: Env, name?: string): EmbeddedVectorIndexClient {
  if (env.VECTOR_INDEX_BACKEND !== "embedded") {
    throw new ApiError(
      409,
      "unsupported_backend",
      `this route manages the embedded index; VECTOR_INDEX_BACKEND is "${env.VECTOR_INDEX_BACKEND}" (publish to Vectorize with 'wrangler vectorize insert')`,
    );
  }
  return new EmbeddedVectorIndexClient(env.EMBEDDED_INDEX, name ?? servingEmbeddedIndexName(env));
}

/**
 * The index an index route works on: `?release=<id>` names a release's embedded index (what
 * `pipeline release publish` fills before it flips the pointer); without it, the serving one.
 */
function indexNameOf(c: Context<AppEnv>): string | undefined {
  const release = c.req.query("release");
  if (release === undefined) return undefined;
  const parsed = releaseIdSchema.safeParse(release);
  if (!parsed.success) throw new ApiError(400, "invalid_request", `release: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return embeddedIndexName(parsed.data);
}

/** The admin routes. */
export const adminRoute = new Hono<AppEnv>()
  .use("*", adminAuth)
  .get("/index", async (c) => {
    try {
      const info = await vectorIndexFor(c.env, indexNameOf(c)).describe();
      return c.json({ backend: c.env.VECTOR_INDEX_BACKEND, configured: true, ...info });
    } catch (error) {
      if (error instanceof VectorIndexError && error.code === "misconfigured") {
        return c.json({ backend: c.env.VECTOR_INDEX_BACKEND, configured: false, detail: error.message });
      }
      throw error;
    }
  })
  .put("/index", async (c) => {
    const parsed = configureSchema.safeParse(await readJsonBody(c.req.raw, 64 * 1024));
    if (!parsed.success) throw new ApiError(400, "invalid_request", parsed.error.issues[0]?.message ?? "invalid config");
    const { dimensions, metric, metadata_indexes: metadataIndexes } = parsed.data;
    const info = await embeddedIndex(c.env, indexNameOf(c)).configure({ dimensions, metric, metadataIndexes }, { reset: true });
    return c.json(info);
  })
  .put("/index/version", async (c) => {
    const parsed = z.object({ version: z.string().min(1).max(256) }).safeParse(await readJsonBody(c.req.raw, 4096));
    if (!parsed.success) throw new ApiError(400, "invalid_request", 'body must be {"version": "..."}');
    return c.json(await embeddedIndex(c.env, indexNameOf(c)).setVersion(parsed.data.version));
  })
  .post("/index/vectors", async (c) => {
    const text = await readBodyText(c.req.raw, MAX_NDJSON_BYTES);
    const vectors: VectorRecord[] = [];
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (!line) continue;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        throw new ApiError(400, "invalid_json", `line ${i + 1} is not valid JSON`);
      }
      const parsed = vectorLineSchema.safeParse(raw);
      if (!parsed.success) {
        throw new ApiError(
          400,
          "invalid_request",
          `line ${i + 1}: ${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}`,
        );
      }
      vectors.push(parsed.data);
    }
    if (vectors.length === 0) throw new ApiError(400, "invalid_request", "no vectors in the body (NDJSON, one per line)");
    if (vectors.length > VECTORIZE_LIMITS.maxUpsertBatch) {
      throw new ApiError(413, "payload_too_large", `at most ${VECTORIZE_LIMITS.maxUpsertBatch} vectors per call, got ${vectors.length}`);
    }
    const mutation = await vectorIndexFor(c.env, indexNameOf(c)).upsert(vectors);
    return c.json({ upserted: vectors.length, ...mutation });
  })
  .post("/index/delete", async (c) => {
    const parsed = z
      .object({ ids: z.array(z.string().min(1).max(64)).min(1).max(VECTORIZE_LIMITS.maxUpsertBatch) })
      .safeParse(await readJsonBody(c.req.raw, 256 * 1024));
    if (!parsed.success) throw new ApiError(400, "invalid_request", 'body must be {"ids": [...]} with 1–1000 ids');
    return c.json(await vectorIndexFor(c.env, indexNameOf(c)).deleteByIds(parsed.data.ids));
  })
  .route("/digests", digestsRoute)
  .route("/event-log", eventLogAdminRoute)
  .route("/releases", releasesAdminRoute)
  .route("/keys", keysRoute)
  .get("/experiments", (c) => {
    const { experiments } = servingConfigFor(c.env);
    return c.json({
      experiments: experiments.map(({ id, traffic, surfaces, arms }) => ({ id, traffic, surfaces: surfaces ?? null, arms })),
    });
  })
  .get("/experiments/:experiment_id", async (c) => {
    const id = c.req.param("experiment_id");
    const experiment = servingConfigFor(c.env).experiments.find((candidate) => candidate.id === id);
    if (!experiment) throw new ApiError(404, "not_found", `no experiment '${id}' in SERVING_CONFIG`);
    return c.json(await experimentReport(c.env, experiment));
  })
  .get("/users/:user_id/session", validate("param", z.object({ user_id: idSchema })), async (c) => {
    const { user_id: userId } = c.req.valid("param");
    const snapshot = await c.env.USER_SESSION.getByName(userId).snapshot();
    return c.json({ user_id: userId, ...snapshot });
  });

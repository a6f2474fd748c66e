/**
 * Admin routes (a credential with the `admin` scope: `Authorization: Bearer <ADMIN_TOKEN>`): publishing to and inspecting the vector
 * index, and inspecting a user's session. `npm start` publishes the demo model through them.
 *
 * - `GET  /v1/admin/index` — describe the active index (embedded: also config and version; Vectorize:
 *   the slot); every index route takes `?release=<id>` to work on that release's index instead of the
 *   serving one (its embedded index `items@<id>`, or its namespace in its Vectorize slot)
 * - `PUT  /v1/admin/index` — (re)create the embedded index: `{dimensions, metric, metadata_indexes}`;
 *   with Vectorize and `?release=<id>`, claim a slot for the release (409 `no_free_vector_slot` when
 *   every slot holds a release that may serve, `dimension_mismatch` on other dimensions)
 * - `GET  /v1/admin/index/vectors?ids=a,b` — read ≤ 100 vectors back by id (the publisher's check
 *   that an upload is searchable: Vectorize applies writes asynchronously)
 * - `POST /v1/admin/index/vectors` — upsert Vectorize NDJSON lines (≤ 1000 per call)
 * - `POST /v1/admin/index/delete` — `{ids: [...]}`
 * - `PUT  /v1/admin/index/version` — `{version}` once a full upload is done (embedded: the index's
 *   version; Vectorize: marks the release's slot complete, which registering it requires)
 * - `POST /v1/admin/digests` — email digests for many users (routes/digests.ts)
 * - `GET|PUT|POST|DELETE /v1/admin/releases…` — register, activate, canary, delete releases (routes/releases-admin.ts)
 * - `GET  /v1/admin/event-log`, `GET /v1/admin/event-log/object` — read the event lake (routes/event-log-admin.ts)
 * - `POST|GET /v1/admin/keys`, `DELETE /v1/admin/keys/:key_id` — server keys (routes/keys.ts)
 * - `GET  /v1/admin/experiments` — the configured experiments
 * - `GET  /v1/admin/experiments/:id` — live per-arm counters, CTR and conversion with 95 % Wilson
 *   intervals, empty-list rate, latency p99 and guardrails against the control arm
 * - `GET  /v1/admin/users/:user_id/session` — the user's session snapshot
 * - `GET  /v1/admin/metrics` — operational metrics, Prometheus text or `?format=json` (routes/metrics-admin.ts)
 * - `GET  /v1/admin/items/search`, `GET /v1/admin/items/flagged` — catalogue lookups for the console (routes/items-admin.ts)
 *
 * @example
 * curl -H "authorization: Bearer $ADMIN_TOKEN" http://127.0.0.1:8787/v1/admin/index
 */
import { Hono } from "hono";
import { z } from "zod";
import { embeddedIndexName, pickVectorSlot, releaseIdSchema } from "../../shared/artifacts/release";
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
import { metricsAdminRoute } from "./metrics-admin";
import { itemsAdminRoute } from "./items-admin";
import { adminAuth } from "../middleware/admin-auth";
import { jsonBody } from "../middleware/json-body";
import { validate } from "../middleware/validate";
import { operation } from "../openapi/operation";
import { experimentReportSchema } from "../openapi/shared-response-schemas";
import { vectorIndexFor } from "../services";
import { type SelectVectorIndexOptions, servingEmbeddedIndexName } from "../vector-index/select-vector-index";
import { servingVectorizeSlot, vectorizeSlotNames } from "../vector-index/vectorize-slots";
import { readReleasePointer, unscopedKv } from "../releases/serving-release";
import { readVectorSlotLedger, writeVectorSlotLedger } from "../releases/vector-slot-ledger";
import { EmbeddedVectorIndexClient } from "../vector-index/embedded";
import { readBodyText } from "./read-body-text";

/** Most vector ids read back in one call. */
const MAX_IDS_PER_READ = 100;

/** 409 for an index route the Vectorize backend has no equivalent of. */
function unsupportedOnVectorize(detail: string): ApiError {
  return new ApiError(409, "unsupported_backend", `VECTOR_INDEX_BACKEND is "vectorize": ${detail}`);
}

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

const TAG = "admin: vector index";

/** `?release=<id>`: work on that release's index instead of the serving one. */
const releaseQuery = z.object({ release: releaseIdSchema.optional() });

const idsQuery = releaseQuery.extend({
  ids: z.string().refine((ids) => {
    const count = ids.split(",").filter((id) => id.length > 0).length;
    return count > 0 && count <= MAX_IDS_PER_READ;
  }, `ids must list 1–${MAX_IDS_PER_READ} comma-separated vector ids`),
});

const versionSchema = z.object({ version: z.string().min(1).max(256) });
const deleteSchema = z.object({ ids: z.array(z.string().min(1).max(64)).min(1).max(VECTORIZE_LIMITS.maxUpsertBatch) });

const indexInfoResponse = z.looseObject({
  backend: z.enum(["embedded", "vectorize"]).optional(),
  configured: z.boolean().optional(),
  slot: z.string().optional(),
  vectorCount: z.number().optional(),
  dimensions: z.number().optional(),
  detail: z.string().optional(),
});
const vectorsResponse = z.object({ vectors: z.array(vectorLineSchema) });
const mutationResponse = z.looseObject({ mutationId: z.string() });
const experimentsResponse = z.object({
  experiments: z.array(
    z.object({
      id: z.string(),
      traffic: z.number(),
      surfaces: z.array(z.string()).nullable(),
      arms: z.array(z.looseObject({ name: z.string(), weight: z.number() })),
    }),
  ),
});
const sessionResponse = z.looseObject({
  user_id: z.string(),
  recent: z.array(z.object({ itemId: z.string(), type: z.string(), ts: z.number(), value: z.number().nullable() })),
  seen: z.array(z.string()),
  hidden: z.array(z.string()),
  interactionCount: z.number().int(),
});

function embeddedIndex(env: Env, name?: string): EmbeddedVectorIndexClient {
  return new EmbeddedVectorIndexClient(env.EMBEDDED_INDEX, name ?? servingEmbeddedIndexName(env));
}

/**
 * The index an index route works on: `?release=<id>` names a release's index — its embedded index,
 * or with Vectorize its namespace in the slot it claimed (what `pipeline release publish` fills
 * before it flips the pointer); without it, the serving one.
 */
async function indexTargetOf(env: Env, release: string | undefined): Promise<SelectVectorIndexOptions> {
  if (release === undefined) return {};
  if (env.VECTOR_INDEX_BACKEND !== "vectorize") return { embeddedName: embeddedIndexName(release) };
  const ledger = await readVectorSlotLedger(unscopedKv(env));
  const slot = Object.entries(ledger.slots).find(([, occupant]) => occupant.release === release)?.[0];
  if (!slot) {
    throw new ApiError(
      409,
      "release_not_ready",
      `release ${release} holds no Vectorize slot: PUT /v1/admin/index?release=${release} first`,
    );
  }
  return { vectorizeSlot: { slot, namespace: release } };
}

/**
 * With Vectorize, `PUT /v1/admin/index?release=<id>` claims a slot for the release (an index of
 * VECTORIZE_SLOTS that holds no release the pointer may serve) instead of creating an index:
 * Vectorize indexes are created with wrangler, their dimensions fixed. The slot's dimensions must
 * match the release's.
 */
async function claimSlot(env: Env, release: string, dimensions: number) {
  const kv = unscopedKv(env);
  const [ledger, pointer] = await Promise.all([readVectorSlotLedger(kv), readReleasePointer(kv)]);
  const slots = vectorizeSlotNames(env);
  const claim = pickVectorSlot(release, slots, ledger, pointer);
  if (!claim) {
    const held = slots.map((slot) => `${slot}: ${ledger.slots[slot]?.release}`).join(", ");
    throw new ApiError(
      409,
      "no_free_vector_slot",
      `every Vectorize slot holds a release that may serve (${held}); stop the canary or add a slot (VECTORIZE_SLOTS and a [[vectorize]] binding) before publishing`,
    );
  }
  const info = await vectorIndexFor(env, { vectorizeSlot: { slot: claim.slot, namespace: release } }).describe();
  if (info.dimensions !== dimensions) {
    throw new ApiError(
      409,
      "dimension_mismatch",
      `Vectorize slot ${claim.slot} has ${info.dimensions} dimensions, release ${release} has ${dimensions}: recreate the slot's index with --dimensions=${dimensions}`,
    );
  }
  ledger.slots[claim.slot] = { release, claimed_at: new Date().toISOString(), complete: false };
  await writeVectorSlotLedger(kv, ledger);
  return { backend: "vectorize", release, slot: claim.slot, displaced: claim.displaced, dimensions: info.dimensions };
}

/** With Vectorize, `PUT /v1/admin/index/version?release=<id>` marks the release's upload complete in its slot. */
async function completeSlot(env: Env, release: string, version: string) {
  if (version !== release) throw new ApiError(400, "invalid_request", `a release's index holds version ${release}, not ${version}`);
  const kv = unscopedKv(env);
  const ledger = await readVectorSlotLedger(kv);
  const slot = Object.entries(ledger.slots).find(([, occupant]) => occupant.release === release)?.[0];
  if (!slot)
    throw new ApiError(
      409,
      "release_not_ready",
      `release ${release} holds no Vectorize slot: PUT /v1/admin/index?release=${release} first`,
    );
  ledger.slots[slot] = { ...ledger.slots[slot]!, complete: true };
  await writeVectorSlotLedger(kv, ledger);
  return { backend: "vectorize", release, slot, version };
}

/** The admin routes. */
export const adminRoute = new Hono<AppEnv>()
  .use("*", adminAuth)
  .get(
    "/index",
    operation({
      summary: "Describe the active index (or a release's)",
      description: "Embedded: also its config and version; Vectorize: the slot.",
      tag: TAG,
      access: "admin",
      response: indexInfoResponse,
      errors: [409],
    }),
    validate("query", releaseQuery),
    async (c) => {
      try {
        const target = await indexTargetOf(c.env, c.req.valid("query").release);
        const info = await vectorIndexFor(c.env, target).describe();
        const slot = target.vectorizeSlot ?? (c.env.VECTOR_INDEX_BACKEND === "vectorize" ? servingVectorizeSlot(c.env) : null);
        return c.json({ backend: c.env.VECTOR_INDEX_BACKEND, configured: true, ...(slot ? { slot: slot.slot } : {}), ...info });
      } catch (error) {
        if (error instanceof VectorIndexError && error.code === "misconfigured") {
          return c.json({ backend: c.env.VECTOR_INDEX_BACKEND, configured: false, detail: error.message });
        }
        throw error;
      }
    },
  )
  .get(
    "/index/vectors",
    operation({
      summary: "Read vectors back by id",
      description: "The publisher's check that an upload is searchable (Vectorize applies writes asynchronously).",
      tag: TAG,
      access: "admin",
      response: vectorsResponse,
      errors: [409],
    }),
    validate("query", idsQuery),
    async (c) => {
      const query = c.req.valid("query");
      const ids = query.ids.split(",").filter((id) => id.length > 0);
      const records = await vectorIndexFor(c.env, await indexTargetOf(c.env, query.release)).getByIds(ids);
      return c.json({ vectors: records } satisfies z.input<typeof vectorsResponse>);
    },
  )
  .put(
    "/index",
    operation({
      summary: "(Re)create the embedded index, or claim a Vectorize slot for a release",
      description:
        "With Vectorize and `?release=<id>`: claim a slot (409 `no_free_vector_slot`, `dimension_mismatch`); without `release`, 409 `unsupported_backend`.",
      tag: TAG,
      access: "admin",
      response: indexInfoResponse,
      errors: [409, 413],
    }),
    validate("query", releaseQuery),
    jsonBody(configureSchema, { maxBytes: 64 * 1024, invalidMessage: (issue) => issue?.message ?? "invalid config" }),
    async (c) => {
      const { dimensions, metric, metadata_indexes: metadataIndexes } = c.req.valid("json");
      const { release } = c.req.valid("query");
      if (c.env.VECTOR_INDEX_BACKEND === "vectorize") {
        if (release === undefined)
          throw unsupportedOnVectorize(
            "create a Vectorize index with 'wrangler vectorize create'; ?release=<id> claims a slot for a release",
          );
        return c.json(await claimSlot(c.env, release, dimensions));
      }
      const info = await embeddedIndex(c.env, release && embeddedIndexName(release)).configure(
        { dimensions, metric, metadataIndexes },
        { reset: true },
      );
      return c.json(info);
    },
  )
  .put(
    "/index/version",
    operation({
      summary: "Mark a full upload done",
      description:
        "Embedded: the index's version; Vectorize (`?release=<id>`): marks the release's slot complete, which registering it requires.",
      tag: TAG,
      access: "admin",
      response: indexInfoResponse,
      errors: [409, 413],
    }),
    validate("query", releaseQuery),
    jsonBody(versionSchema, { maxBytes: 4096, invalidMessage: () => 'body must be {"version": "..."}' }),
    async (c) => {
      const { version } = c.req.valid("json");
      const { release } = c.req.valid("query");
      if (c.env.VECTOR_INDEX_BACKEND === "vectorize") {
        if (release === undefined) throw unsupportedOnVectorize("a Vectorize slot's version is its release: send ?release=<id>");
        return c.json(await completeSlot(c.env, release, version));
      }
      return c.json(await embeddedIndex(c.env, release && embeddedIndexName(release)).setVersion(version));
    },
  )
  .post(
    "/index/vectors",
    operation({
      summary: "Upsert vectors (NDJSON, one per line)",
      description: `At most ${VECTORIZE_LIMITS.maxUpsertBatch} vectors and ${MAX_NDJSON_BYTES} bytes per call; each line is checked with the schema shown.`,
      tag: TAG,
      access: "admin",
      response: mutationResponse.extend({ upserted: z.number().int() }),
      errors: [400, 409, 413],
      requestBody: { schema: vectorLineSchema, media: "application/x-ndjson", description: "One vector per line, as Vectorize's NDJSON." },
    }),
    validate("query", releaseQuery),
    async (c) => {
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
      const mutation = await vectorIndexFor(c.env, await indexTargetOf(c.env, c.req.valid("query").release)).upsert(vectors);
      return c.json({ upserted: vectors.length, ...mutation });
    },
  )
  .post(
    "/index/delete",
    operation({ summary: "Delete vectors by id", tag: TAG, access: "admin", response: mutationResponse, errors: [409, 413] }),
    validate("query", releaseQuery),
    jsonBody(deleteSchema, { maxBytes: 256 * 1024, invalidMessage: () => 'body must be {"ids": [...]} with 1–1000 ids' }),
    async (c) => {
      const target = await indexTargetOf(c.env, c.req.valid("query").release);
      return c.json(await vectorIndexFor(c.env, target).deleteByIds(c.req.valid("json").ids));
    },
  )
  .route("/digests", digestsRoute)
  .route("/event-log", eventLogAdminRoute)
  .route("/releases", releasesAdminRoute)
  .route("/keys", keysRoute)
  .route("/metrics", metricsAdminRoute)
  .route("/items", itemsAdminRoute)
  .get(
    "/experiments",
    operation({ summary: "The configured experiments", tag: "admin: experiments", access: "admin", response: experimentsResponse }),
    (c) => {
      const { experiments } = servingConfigFor(c.env);
      return c.json({
        experiments: experiments.map(({ id, traffic, surfaces, arms }) => ({ id, traffic, surfaces: surfaces ?? null, arms })),
      });
    },
  )
  .get(
    "/experiments/:experiment_id",
    operation({
      summary: "An experiment's live per-arm report",
      description:
        "Counters, CTR and conversion with 95 % Wilson intervals, coverage, diversity, empty-list rate, latency p99 and guardrails.",
      tag: "admin: experiments",
      access: "admin",
      response: experimentReportSchema,
      errors: [404],
    }),
    async (c) => {
      const id = c.req.param("experiment_id");
      const experiment = servingConfigFor(c.env).experiments.find((candidate) => candidate.id === id);
      if (!experiment) throw new ApiError(404, "not_found", `no experiment '${id}' in SERVING_CONFIG`);
      return c.json(await experimentReport(c.env, experiment));
    },
  )
  .get(
    "/users/:user_id/session",
    operation({ summary: "A user's session snapshot", tag: "users", access: "admin", response: sessionResponse }),
    validate("param", z.object({ user_id: idSchema })),
    async (c) => {
      const { user_id: userId } = c.req.valid("param");
      const snapshot = await c.env.USER_SESSION.getByName(userId).snapshot();
      return c.json({ user_id: userId, ...snapshot });
    },
  );

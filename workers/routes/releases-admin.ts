/**
 * Releases (admin only; shared/artifacts/release.ts): what `npm run pipeline -- release …` calls once
 * a release's KV records and vectors are uploaded.
 *
 * - `GET    /v1/admin/releases` — the pointer and the registry;
 * - `PUT    /v1/admin/releases/:id` — register an uploaded release (body: its manifest.json); refused
 *   with 409 `release_not_ready` unless its manifest is in KV under `rel/<id>/manifest` and its
 *   vectors are uploaded: the embedded index `items@<id>` holds that version, or with Vectorize a
 *   slot holds the whole release (admin.ts, `PUT /v1/admin/index/version?release=<id>`);
 * - `POST   /v1/admin/releases/:id/activate` — make it current (the current one becomes `previous`,
 *   what a rollback returns to; a canary of it is promoted); with Vectorize, refused (409
 *   `release_not_ready`) for a release whose slot a later upload reclaimed;
 * - `PUT    /v1/admin/releases/:id/canary` `{share}` — serve it to `share` of users (0 < share < 1);
 * - `GET    /v1/admin/releases/canary` — the canary's live A/B report (arms `control` and `canary`:
 *   requests, CTR and conversion with intervals, latency, guardrails), as for configured experiments;
 * - `DELETE /v1/admin/releases/canary` — stop the canary;
 * - `POST   /v1/admin/releases/:id/kv` `{entries: [{key, value}]}` — upload ≤ 500 of a release's KV
 *   records (release-scoped keys only, stored under `rel/<id>/`), before it is registered (a
 *   registered release is immutable: 409 `release_in_use`);
 * - `POST   /v1/admin/releases/:id/purge` — delete up to 500 of an unregistered release's KV records
 *   per call (`{deleted, remaining}`), for garbage collection;
 * - `DELETE /v1/admin/releases/:id` — unregister a release that is not current, previous or canary
 *   (409 `release_in_use`), empty its embedded index or free its Vectorize slot; then purge its KV records.
 *
 * The pointer and the registry are single KV records written read-modify-write: admin changes are
 * rare and made by one operator tool at a time. This isolate sees a change at once; others within
 * ISOLATE_TTL_MS_RELEASE (5 s), on top of KV's propagation.
 */
import { Hono } from "hono";
import { z } from "zod";
import {
  canaryExperimentId,
  completeSlotOf,
  embeddedIndexName,
  liveReleases,
  RELEASE_KV_KEYS,
  type ReleasePointer,
  type ReleaseRecord,
  type ReleaseRegistry,
  isReleaseScopedKey,
  releaseIdSchema,
  releaseKey,
  releaseKeyPrefix,
  releasePointerSchema,
  releaseRecordSchema,
  releaseRegistrySchema,
} from "../../shared/artifacts/release";
import { kvKeys } from "../../shared/artifacts/kv-keys";
import type { ExperimentConfig } from "../../shared/serving/serving-config";
import { experimentReport } from "../experiments/experiment-report";
import type { ModelManifest } from "../../shared/artifacts/model-manifest";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors/api-error";
import { jsonBody } from "../middleware/json-body";
import { validate } from "../middleware/validate";
import { operation } from "../openapi/operation";
import { experimentReportSchema } from "../openapi/shared-response-schemas";
import { readReleasePointer, unscopedKv } from "../releases/serving-release";
import { readVectorSlotLedger, writeVectorSlotLedger } from "../releases/vector-slot-ledger";
import { invalidateIsolateCache } from "../store/isolate-cache";
import { EmbeddedVectorIndexClient } from "../vector-index/embedded";

const idParam = z.object({ id: releaseIdSchema });

/** Largest KV upload body, and most entries per call (each a KV write: well within a request's subrequest budget). */
const MAX_KV_UPLOAD_BYTES = 25 * 1024 * 1024;
const KV_UPLOAD_ENTRIES = 500;
/** Keys deleted per purge call. */
const PURGE_PAGE = 500;

const kvUploadBody = z.object({
  entries: z
    .array(
      z.object({
        key: z
          .string()
          .min(1)
          .max(400)
          .refine(isReleaseScopedKey, "only release-scoped keys (manifest, popular:*, user:*, model:*, ranker:*)"),
        value: z.string().max(MAX_KV_UPLOAD_BYTES),
      }),
    )
    .min(1)
    .max(KV_UPLOAD_ENTRIES),
});

const manifestBody = z.object({
  modelVersion: releaseIdSchema,
  createdAt: z.string(),
  dataset: z.string(),
  retrievalModel: z.string(),
  dimensions: z.number().int().positive(),
  featureSpecHash: z.string(),
  counts: z.object({ items: z.number().int(), users: z.number().int(), interactions: z.number().int() }),
  metrics: z.record(z.string(), z.number()).optional(),
});

const canaryBody = z.object({ share: z.number().gt(0).lt(1) });

const TAG = "admin: releases";
const pointerResponse = z.object({ pointer: releasePointerSchema });
const listResponse = z.object({ pointer: releasePointerSchema.nullable(), releases: z.array(releaseRecordSchema) });
const canaryReportResponse = z.object({ canary: z.string(), current: z.string(), share: z.number(), report: experimentReportSchema });
const activateResponse = z.object({ pointer: releasePointerSchema, changed: z.boolean() });

async function readRegistry(kv: KVNamespace): Promise<ReleaseRegistry> {
  const value = await kv.get(RELEASE_KV_KEYS.registry, "json");
  const parsed = releaseRegistrySchema.safeParse(value ?? { releases: [] });
  return parsed.success ? parsed.data : { releases: [] };
}

/**
 * Writes the pointer, naming the Vectorize slot of each release it may serve (read from the slot
 * ledger; none with the embedded index), so a request learns its release and its vectors' place in
 * one read.
 */
async function writePointer(kv: KVNamespace, pointer: Omit<ReleasePointer, "updated_at" | "vector_slots">): Promise<ReleasePointer> {
  const ledger = await readVectorSlotLedger(kv);
  const vectorSlots: Record<string, string> = {};
  for (const id of liveReleases({ ...pointer, vector_slots: {}, updated_at: "" })) {
    const slot = completeSlotOf(id, ledger);
    if (slot) vectorSlots[id] = slot;
  }
  const written: ReleasePointer = { ...pointer, vector_slots: vectorSlots, updated_at: new Date().toISOString() };
  await kv.put(RELEASE_KV_KEYS.pointer, JSON.stringify(written));
  invalidateIsolateCache(kv, RELEASE_KV_KEYS.pointer);
  return written;
}

async function registered(kv: KVNamespace, id: string): Promise<ReleaseRecord> {
  const record = (await readRegistry(kv)).releases.find((release) => release.id === id);
  if (!record) throw new ApiError(404, "not_found", `release ${id} is not registered (PUT /v1/admin/releases/${id} first)`);
  return record;
}

/**
 * A registered release that can serve: with Vectorize, its slot must still hold its vectors (a slot
 * is reclaimed by a later upload once its release is no longer current, previous or canary).
 */
async function servable(env: Env, kv: KVNamespace, id: string): Promise<ReleaseRecord> {
  const record = await registered(kv, id);
  if (env.VECTOR_INDEX_BACKEND === "vectorize" && completeSlotOf(id, await readVectorSlotLedger(kv)) === null) {
    throw new ApiError(
      409,
      "release_not_ready",
      `release ${id}'s vectors no longer hold a Vectorize slot (a later upload took it); publish it again from artifacts/releases/${id}`,
    );
  }
  return record;
}

/** The release routes, under `/v1/admin/releases` (on the KV binding as no release sees it: they work on every release). */
export const releasesAdminRoute = new Hono<AppEnv>()
  .get(
    "/",
    operation({ summary: "The release pointer and the registry", tag: TAG, access: "admin", response: listResponse }),
    async (c) => {
      const kv = unscopedKv(c.env);
      const [pointer, registry] = await Promise.all([readReleasePointer(kv), readRegistry(kv)]);
      return c.json({ pointer, releases: registry.releases } satisfies z.input<typeof listResponse>);
    },
  )
  .get(
    "/canary",
    operation({
      summary: "The canary's live A/B report",
      description: "Arms `control` and `canary`: requests, CTR and conversion with intervals, latency, guardrails.",
      tag: TAG,
      access: "admin",
      response: canaryReportResponse,
      errors: [404],
    }),
    async (c) => {
      const pointer = await readReleasePointer(unscopedKv(c.env));
      if (!pointer?.canary) throw new ApiError(404, "not_found", "no canary is running");
      const { release, share } = pointer.canary;
      const experiment: ExperimentConfig = {
        id: canaryExperimentId(release),
        traffic: 1,
        arms: [
          { name: "control", weight: 1 - share, overrides: {} },
          { name: "canary", weight: share, overrides: {} },
        ],
      };
      return c.json({
        canary: release,
        current: pointer.current,
        share,
        report: await experimentReport(c.env, experiment),
      } satisfies z.input<typeof canaryReportResponse>);
    },
  )
  .delete(
    "/canary",
    operation({ summary: "Stop the canary", tag: TAG, access: "admin", response: pointerResponse, errors: [404] }),
    async (c) => {
      const kv = unscopedKv(c.env);
      const pointer = await readReleasePointer(kv);
      if (!pointer) throw new ApiError(404, "not_found", "no release is published");
      return c.json({ pointer: await writePointer(kv, { ...pointer, canary: null }) });
    },
  )
  .put(
    "/:id",
    operation({
      summary: "Register an uploaded release (body: its manifest.json)",
      description: "409 `release_not_ready` unless its manifest is in KV under `rel/<id>/manifest` and its vectors are uploaded.",
      tag: TAG,
      access: "admin",
      response: z.object({ release: releaseRecordSchema }),
      errors: [409, 413],
    }),
    validate("param", idParam),
    jsonBody(manifestBody, { maxBytes: 256 * 1024, invalidMessage: (issue) => `manifest: ${issue?.path.join(".")}: ${issue?.message}` }),
    async (c) => {
      const { id } = c.req.valid("param");
      const manifest = c.req.valid("json");
      if (manifest.modelVersion !== id)
        throw new ApiError(400, "invalid_request", `manifest.modelVersion is ${manifest.modelVersion}, not ${id}`);
      const kv = unscopedKv(c.env);
      // Read from KV itself, not the isolate cache: an earlier look may have cached its absence.
      const stored = await kv.get<ModelManifest>(releaseKey(id, kvKeys.manifest), "json").catch(() => null);
      if (stored?.modelVersion !== id) {
        throw new ApiError(
          409,
          "release_not_ready",
          `KV holds no manifest for release ${id} under rel/${id}/manifest: upload its KV records first`,
        );
      }
      let vectorSlot: string | null = null;
      if (c.env.VECTOR_INDEX_BACKEND === "embedded") {
        const info = await new EmbeddedVectorIndexClient(c.env.EMBEDDED_INDEX, embeddedIndexName(id)).describe().catch(() => null);
        if (info?.version !== id || info.vectorCount === 0) {
          throw new ApiError(
            409,
            "release_not_ready",
            `the embedded index ${embeddedIndexName(id)} does not hold release ${id}: upload its vectors first`,
          );
        }
      } else {
        vectorSlot = completeSlotOf(id, await readVectorSlotLedger(kv));
        if (vectorSlot === null) {
          throw new ApiError(
            409,
            "release_not_ready",
            `no Vectorize slot holds all of release ${id}'s vectors: claim one (PUT /v1/admin/index?release=${id}), upload, then PUT /v1/admin/index/version?release=${id}`,
          );
        }
      }
      const record: ReleaseRecord = {
        id,
        created_at: manifest.createdAt,
        published_at: new Date().toISOString(),
        dataset: manifest.dataset,
        retrieval_model: manifest.retrievalModel,
        feature_spec_hash: manifest.featureSpecHash,
        dimensions: manifest.dimensions,
        counts: manifest.counts,
        metrics: manifest.metrics ?? {},
        vector_slot: vectorSlot,
      };
      const registry = await readRegistry(kv);
      const releases = [...registry.releases.filter((release) => release.id !== id), record];
      await kv.put(RELEASE_KV_KEYS.registry, JSON.stringify({ releases } satisfies ReleaseRegistry));
      return c.json({ release: record });
    },
  )
  .post(
    "/:id/kv",
    operation({
      summary: "Upload a release's KV records",
      description: "Release-scoped keys only, stored under `rel/<id>/`; before it is registered (409 `release_in_use` after).",
      tag: TAG,
      access: "admin",
      response: z.object({ written: z.number().int() }),
      errors: [409, 413],
    }),
    validate("param", idParam),
    jsonBody(kvUploadBody, { maxBytes: MAX_KV_UPLOAD_BYTES, invalidMessage: (issue) => `${issue?.path.join(".")}: ${issue?.message}` }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { entries } = c.req.valid("json");
      const kv = unscopedKv(c.env);
      if ((await readRegistry(kv)).releases.some((release) => release.id === id)) {
        throw new ApiError(409, "release_in_use", `release ${id} is registered and immutable; publish a new release instead`);
      }
      await Promise.all(entries.map(({ key, value }) => kv.put(releaseKey(id, key), value)));
      return c.json({ written: entries.length });
    },
  )
  .post(
    "/:id/purge",
    operation({
      summary: "Delete up to 500 of an unregistered release's KV records",
      tag: TAG,
      access: "admin",
      response: z.object({ deleted: z.number().int(), remaining: z.boolean() }),
      errors: [409],
    }),
    validate("param", idParam),
    async (c) => {
      const { id } = c.req.valid("param");
      const kv = unscopedKv(c.env);
      if ((await readRegistry(kv)).releases.some((release) => release.id === id)) {
        throw new ApiError(409, "release_in_use", `release ${id} is registered; DELETE it first`);
      }
      const page = await kv.list({ prefix: releaseKeyPrefix(id), limit: PURGE_PAGE });
      await Promise.all(page.keys.map((key) => kv.delete(key.name)));
      return c.json({ deleted: page.keys.length, remaining: !page.list_complete });
    },
  )
  .post(
    "/:id/activate",
    operation({
      summary: "Make a release current",
      description: "The current one becomes `previous` (what a rollback returns to); a canary of it is promoted.",
      tag: TAG,
      access: "admin",
      response: activateResponse,
      errors: [404, 409],
    }),
    validate("param", idParam),
    async (c) => {
      const { id } = c.req.valid("param");
      const kv = unscopedKv(c.env);
      await servable(c.env, kv, id);
      const pointer = await readReleasePointer(kv);
      if (pointer?.current === id) return c.json({ pointer, changed: false });
      const next = await writePointer(kv, {
        current: id,
        previous: pointer?.current ?? null,
        canary: pointer?.canary && pointer.canary.release !== id ? pointer.canary : null,
      });
      return c.json({ pointer: next, changed: true });
    },
  )
  .put(
    "/:id/canary",
    operation({
      summary: "Serve a release to a share of users",
      tag: TAG,
      access: "admin",
      response: pointerResponse,
      errors: [404, 409, 413],
    }),
    validate("param", idParam),
    jsonBody(canaryBody, { maxBytes: 4096, invalidMessage: () => 'body must be {"share": <number between 0 and 1, exclusive>}' }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { share } = c.req.valid("json");
      const kv = unscopedKv(c.env);
      await servable(c.env, kv, id);
      const pointer = await readReleasePointer(kv);
      if (!pointer) throw new ApiError(409, "release_not_ready", "a canary needs a current release to compare with; activate one first");
      if (pointer.current === id) throw new ApiError(409, "release_in_use", `release ${id} is already current`);
      return c.json({ pointer: await writePointer(kv, { ...pointer, canary: { release: id, share } }) });
    },
  )
  .delete(
    "/:id",
    operation({
      summary: "Unregister a release that does not serve",
      description: "409 `release_in_use` for the current, previous or canary release. Then purge its KV records.",
      tag: TAG,
      access: "admin",
      response: z.object({ deleted: z.string() }),
      errors: [404, 409],
    }),
    validate("param", idParam),
    async (c) => {
      const { id } = c.req.valid("param");
      const kv = unscopedKv(c.env);
      await registered(kv, id);
      const pointer = await readReleasePointer(kv);
      if (pointer && [pointer.current, pointer.previous, pointer.canary?.release].includes(id)) {
        throw new ApiError(409, "release_in_use", `release ${id} is current, previous or canary; it is kept`);
      }
      if (c.env.VECTOR_INDEX_BACKEND === "embedded") {
        await new EmbeddedVectorIndexClient(c.env.EMBEDDED_INDEX, embeddedIndexName(id)).configure(
          { dimensions: 1, metric: "dot-product", metadataIndexes: {} },
          { reset: true },
        );
      }
      // Its Vectorize slot is free again; the vectors stay in the release's namespace, never matched,
      // until the next release to claim the slot overwrites them.
      const ledger = await readVectorSlotLedger(kv);
      const slot = Object.entries(ledger.slots).find(([, occupant]) => occupant.release === id)?.[0];
      if (slot) {
        delete ledger.slots[slot];
        await writeVectorSlotLedger(kv, ledger);
      }
      const registry = await readRegistry(kv);
      await kv.put(RELEASE_KV_KEYS.registry, JSON.stringify({ releases: registry.releases.filter((release) => release.id !== id) }));
      return c.json({ deleted: id });
    },
  );

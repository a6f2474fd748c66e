/**
 * Item routes.
 *
 * - `GET    /v1/items/:item_id/similar?n=` — items nearest to one item in the embedding space
 *   ("more like this"; the same neighbour lookup as `surface=more_like_this`, candidates/similar.ts).
 *   Falls back to the popular list when the vector index is unavailable.
 *   Blocked and flagged items are left out.
 * - `PUT    /v1/items/:item_id` (admin) — add or replace an item from its metadata `{title, genres,
 *   category?, released_at? | year?, sponsored?, unsafe?, available?}`: the content encoder gives it
 *   a vector in the collaborative space, it is upserted into the vector index (retrievable at once)
 *   and joins the fresh items that exploration slots show to a share of users. `values` skips the
 *   encoder; `unsafe` / `available` set its flags as the status route does.
 * - `DELETE /v1/items/:item_id` (admin) — remove the item everywhere and block it (catalog/remove-item.ts).
 * - `PUT    /v1/items/:item_id/status` (admin) — `{unsafe?, available?}` (at least one): reversible
 *   flags; a flagged item stays in the index but no response shows it until the flag is cleared
 *   (catalog/item-status.ts). Items the index does not hold can be flagged too.
 * - `GET    /v1/items/:item_id/status` (admin) — the item's status; both answer
 *   `{item_id, unsafe, available, blocked}`.
 *
 * @example
 * curl 'http://127.0.0.1:8787/v1/items/i00017/similar?n=5'
 * curl -X PUT http://127.0.0.1:8787/v1/items/new-1 -H "authorization: Bearer $ADMIN_TOKEN" \
 *   -H 'content-type: application/json' -d '{"title":"The Silent Harbor","genres":["Drama"],"year":2025}'
 * curl -X PUT http://127.0.0.1:8787/v1/items/i00017/status -H "authorization: Bearer $ADMIN_TOKEN" \
 *   -H 'content-type: application/json' -d '{"unsafe":true}'
 */
import { Hono } from "hono";
import { z } from "zod";
import { idSchema } from "../../shared/events/interaction-event";
import { VECTORIZE_LIMITS } from "../../shared/vector-index/limits";
import type { AppEnv } from "../app-env";
import { addItem } from "../catalog/add-item";
import { readItemStatus, readUnservableItems, setItemFlags } from "../catalog/item-status";
import { removeItem } from "../catalog/remove-item";
import { adminAuth } from "../middleware/admin-auth";
import { candidatesFromPopularList, loadPopularList } from "../candidates/popular";
import { mergeCandidates } from "../candidates/candidate";
import { readSeedItem, similarCandidates } from "../candidates/similar";
import { FallbackLog } from "../fallbacks/fallback-log";
import { jsonBody } from "../middleware/json-body";
import { validate } from "../middleware/validate";
import { operation } from "../openapi/operation";
import { fallbackSchema, itemMetadataSchema, servedItemSchema, timingsSchema } from "../openapi/shared-response-schemas";
import { StageTimer } from "../recommend/stage-timer";
import { vectorIndexFor } from "../services";

const paramSchema = z.object({ item_id: idSchema });
const querySchema = z.object({
  n: z.coerce
    .number()
    .int()
    .min(1)
    .max(VECTORIZE_LIMITS.maxTopK - 1)
    .default(10),
});
const newItemSchema = z
  .object({
    title: z.string().max(500).optional(),
    genres: z.array(z.string().min(1).max(64)).max(32).default([]),
    category: z.string().min(1).max(64).optional(),
    released_at: z.number().int().optional(),
    year: z.number().int().min(1800).max(2200).optional(),
    sponsored: z.boolean().optional(),
    values: z.array(z.number().finite()).min(1).max(VECTORIZE_LIMITS.maxDimensions).optional(),
    unsafe: z.boolean().optional(),
    available: z.boolean().optional(),
  })
  .strict()
  .refine((item) => item.genres.length > 0 || item.category !== undefined, { message: "genres or category is required", path: ["genres"] });
const itemFlagsSchema = z
  .object({ unsafe: z.boolean().optional(), available: z.boolean().optional() })
  .strict()
  .refine((flags) => flags.unsafe !== undefined || flags.available !== undefined, { message: "unsafe or available is required" });

const addedItemResponse = z.object({
  item_id: z.string(),
  vector_source: z.enum(["content_encoder", "provided"]),
  model_version: z.string().optional().describe("The ALS model version the content encoder maps into."),
  calibrated_norm: z
    .number()
    .optional()
    .describe("The L2 norm the encoded vector was scaled to: the trained items' median for its category (model:item-fold-in)."),
  dimensions: z.number().int(),
  metadata: itemMetadataSchema,
  mutation_id: z.string(),
});
const removedItemResponse = z.object({
  item_id: z.string(),
  was_indexed: z.boolean(),
  popular_lists: z.array(z.string()).describe("KV popular lists it was taken out of."),
  was_fresh: z.boolean(),
  blocked: z.literal(true),
});
const itemStatusResponse = z.object({ item_id: z.string(), unsafe: z.boolean(), available: z.boolean(), blocked: z.boolean() });
const similarResponse = z.object({
  request_id: z.string(),
  item_id: z.string(),
  items: z.array(servedItemSchema),
  fallbacks: z.array(fallbackSchema),
  timings_ms: timingsSchema,
});

/** The items routes. */
export const itemsRoute = new Hono<AppEnv>()
  .put(
    "/:item_id",
    operation({
      summary: "Add or replace an item from its metadata",
      description:
        "The content encoder places it in the embedding space (or `values` gives its vector); retrievable at once. 409 `model_not_published` without an encoder.",
      tag: "items",
      access: "admin",
      response: addedItemResponse,
      errors: [409, 413],
    }),
    adminAuth,
    validate("param", paramSchema),
    jsonBody(newItemSchema, { maxBytes: 64 * 1024 }),
    async (c) => {
      const { item_id: itemId } = c.req.valid("param");
      const item = c.req.valid("json");
      return c.json((await addItem(c.env, { itemId, ...item }, new Date(), c.var.logger)) satisfies z.input<typeof addedItemResponse>);
    },
  )
  .delete(
    "/:item_id",
    operation({
      summary: "Remove an item everywhere and block it",
      tag: "items",
      access: "admin",
      response: removedItemResponse,
      errors: [503],
    }),
    adminAuth,
    validate("param", paramSchema),
    async (c) => {
      const { item_id: itemId } = c.req.valid("param");
      return c.json((await removeItem(c.env, itemId)) satisfies z.input<typeof removedItemResponse>);
    },
  )
  .put(
    "/:item_id/status",
    operation({
      summary: "Set an item's reversible flags",
      description: "A flagged item stays in the index but no response shows it until the flag is cleared.",
      tag: "items",
      access: "admin",
      response: itemStatusResponse,
      errors: [409, 413, 503],
    }),
    adminAuth,
    validate("param", paramSchema),
    jsonBody(itemFlagsSchema, { maxBytes: 4096 }),
    async (c) => {
      const { item_id: itemId } = c.req.valid("param");
      return c.json((await setItemFlags(c.env, itemId, c.req.valid("json"))) satisfies z.input<typeof itemStatusResponse>);
    },
  )
  .get(
    "/:item_id/status",
    operation({ summary: "An item's status", tag: "items", access: "admin", response: itemStatusResponse }),
    adminAuth,
    validate("param", paramSchema),
    async (c) => {
      const { item_id: itemId } = c.req.valid("param");
      return c.json((await readItemStatus(c.env, itemId)) satisfies z.input<typeof itemStatusResponse>);
    },
  )
  .get(
    "/:item_id/similar",
    operation({
      summary: "Items nearest to one item",
      description: "More like this: neighbours in the embedding space; the popular list when the vector index is unavailable.",
      tag: "items",
      access: "recommendations:read",
      response: similarResponse,
    }),
    validate("param", paramSchema),
    validate("query", querySchema),
    async (c) => {
      const { item_id: itemId } = c.req.valid("param");
      const { n } = c.req.valid("query");
      const timer = new StageTimer();
      const fallbacks = new FallbackLog();
      const index = vectorIndexFor(c.env);
      // The seed and every item no response may show (read alongside the lookup; never rejects).
      const excluded = readUnservableItems(c.env.KV).then((unservable) => new Set([itemId, ...unservable]));
      const seed = await timer.time("lookup", () => readSeedItem(index, itemId, fallbacks));
      const exclude = await excluded;
      // Excluded items may be among the nearest (flags keep them in the index): ask for that many more.
      const neighbours = seed ? await timer.time("candidates", () => similarCandidates(index, seed, n + exclude.size, fallbacks)) : null;
      const candidates = neighbours
        ? mergeCandidates([neighbours], exclude)
        : mergeCandidates([candidatesFromPopularList(await timer.time("candidates", () => loadPopularList(c.env.KV, fallbacks)))], exclude);
      return c.json({
        request_id: c.var.requestId,
        item_id: itemId,
        items: candidates.slice(0, n).map((candidate) => ({
          item_id: candidate.itemId,
          score: Math.round(candidate.retrievalScore * 1e6) / 1e6,
          source: candidate.source,
          ...(candidate.category ? { category: candidate.category } : {}),
        })),
        fallbacks: fallbacks.entries,
        timings_ms: timer.finish(),
      } satisfies z.input<typeof similarResponse>);
    },
  );

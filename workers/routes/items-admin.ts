/**
 * Catalogue lookups for the operator console (admin only; docs/console.md), under `/v1/admin/items`.
 * The vector index cannot be scanned (Vectorize lists no vectors), so search looks where the
 * catalogue is listed: the exact item id, the serving release's popular lists, the live trending
 * lists and the items added through the API — the items people see — and reads their metadata
 * from the index.
 *
 * - `GET /v1/admin/items/search?q=&category=&n=50` — items whose id, title or genres contain `q`
 *   (case-insensitive; empty `q`: all listed items), in list order, an exact id match first;
 *   `category` searches that category's lists instead of the overall ones; `searched` is how many
 *   listed items were looked at
 * - `GET /v1/admin/items/search?ids=a,b` — exactly these items (≤ 100), in that order
 * - `GET /v1/admin/items/flagged` — every item flagged unsafe or unavailable, or removed, from the
 *   catalogue's single writer (workers/catalog/), with its status
 *
 * Each item answers `{item_id, in_index, title?, category?, genres?, released_at?, popularity?,
 * sponsored?, status: {unsafe, available, blocked}}`.
 *
 * @example
 * curl -H "authorization: Bearer $ADMIN_TOKEN" 'http://127.0.0.1:8787/v1/admin/items/search?q=harbor'
 */
import { Hono } from "hono";
import { z } from "zod";
import type { PopularList } from "../../shared/artifacts/kv-keys";
import type { CatalogItemView, CatalogSnapshot } from "../../shared/catalog/catalog-snapshot";
import { idSchema } from "../../shared/events/interaction-event";
import type { VectorMetadata } from "../../shared/vector-index/vector-index";
import type { AppEnv } from "../app-env";
import { catalogStateFor } from "../catalog/catalog-state-client";
import { validate } from "../middleware/validate";
import { operation } from "../openapi/operation";
import { vectorIndexFor } from "../services";
import { readFreshItems, readPopularList, readTrendingList } from "../store/kv-store";

/** Most ids one index read takes (Vectorize's getByIds limit). */
const IDS_PER_READ = 100;

const searchQuery = z.object({
  q: z.string().trim().max(100).default(""),
  category: z.string().min(1).max(64).optional(),
  ids: z
    .string()
    .transform((value) => value.split(",").filter((id) => id.length > 0))
    .pipe(z.array(idSchema).min(1).max(IDS_PER_READ))
    .optional(),
  n: z.coerce.number().int().min(1).max(200).default(50),
});

type CatalogItem = CatalogItemView;

function statusOf(catalog: CatalogSnapshot, itemId: string): CatalogItem["status"] {
  return {
    unsafe: catalog.unsafe.includes(itemId),
    available: !catalog.unavailable.includes(itemId),
    blocked: catalog.blocked.includes(itemId),
  };
}

function describe(itemId: string, metadata: VectorMetadata | undefined, catalog: CatalogSnapshot): CatalogItem {
  const item: CatalogItem = { item_id: itemId, in_index: metadata !== undefined, status: statusOf(catalog, itemId) };
  if (!metadata) return item;
  const { title, category, genres, released_at: releasedAt, popularity, sponsored } = metadata;
  if (typeof title === "string") item.title = title;
  if (typeof category === "string") item.category = category;
  if (Array.isArray(genres)) item.genres = genres;
  if (typeof releasedAt === "number") item.released_at = releasedAt;
  if (typeof popularity === "number") item.popularity = popularity;
  if (typeof sponsored === "boolean") item.sponsored = sponsored;
  return item;
}

/** Metadata of `ids` from the serving index, in chunks it accepts; ids it lacks are absent. */
async function metadataOf(env: Env, ids: readonly string[]): Promise<Map<string, VectorMetadata>> {
  const index = vectorIndexFor(env);
  const chunks: string[][] = [];
  for (let start = 0; start < ids.length; start += IDS_PER_READ) chunks.push(ids.slice(start, start + IDS_PER_READ));
  const records = (await Promise.all(chunks.map((chunk) => index.getByIds(chunk)))).flat();
  return new Map(records.map((record) => [record.id, record.metadata ?? {}]));
}

/** Ids listed for `category` (or overall): popular, trending, fresh; first appearance wins. */
async function listedIds(kv: KVNamespace, category: string | undefined): Promise<string[]> {
  const lists = await Promise.all([
    readPopularList(kv, category).catch(() => null),
    readTrendingList(kv, category).catch(() => null),
    readFreshItems(kv).catch(() => null),
  ]);
  const ids = new Set<string>();
  for (const list of lists as (PopularList | null)[]) {
    for (const item of list?.items ?? []) if (!category || item.category === category) ids.add(item.itemId);
  }
  return [...ids];
}

function matches(item: CatalogItem, needle: string): boolean {
  if (needle === "") return true;
  const haystack = [item.item_id, item.title ?? "", ...(item.genres ?? [])].join("\n").toLowerCase();
  return haystack.includes(needle);
}

const catalogItemSchema = z.object({
  item_id: z.string(),
  in_index: z.boolean(),
  title: z.string().optional(),
  category: z.string().optional(),
  genres: z.array(z.string()).optional(),
  released_at: z.number().optional(),
  popularity: z.number().optional(),
  sponsored: z.boolean().optional(),
  status: z.object({ unsafe: z.boolean(), available: z.boolean(), blocked: z.boolean() }),
});
const searchResponse = z.object({ items: z.array(catalogItemSchema), searched: z.number().int().optional() });
const flaggedResponse = z.object({ items: z.array(catalogItemSchema) });

/** The console's catalogue routes. */
export const itemsAdminRoute = new Hono<AppEnv>()
  .get(
    "/search",
    operation({
      summary: "Search the listed catalogue (or read items by id)",
      description:
        "Items whose id, title or genres contain `q`, from the popular, trending and fresh lists; `ids` reads exactly those items.",
      tag: "admin: items",
      access: "admin",
      response: searchResponse,
    }),
    validate("query", searchQuery),
    async (c) => {
      const { q, category, ids, n } = c.req.valid("query");
      const catalog = catalogStateFor(c.env)
        .view()
        .then((view) => view.state);
      if (ids) {
        const [metadata, state] = await Promise.all([metadataOf(c.env, ids), catalog]);
        return c.json({ items: ids.map((id) => describe(id, metadata.get(id), state)) });
      }
      const exact = idSchema.safeParse(q).success ? [q] : [];
      const listed = await listedIds(c.env.KV, category);
      const pool = [...new Set([...exact, ...listed])];
      const [metadata, state] = await Promise.all([metadataOf(c.env, pool), catalog]);
      const needle = q.toLowerCase();
      const items = pool
        .map((id) => describe(id, metadata.get(id), state))
        .filter((item) => (exact.includes(item.item_id) ? item.in_index : matches(item, needle)))
        .slice(0, n);
      return c.json({ items, searched: listed.length });
    },
  )
  .get(
    "/flagged",
    operation({
      summary: "Every flagged or removed item, with its status",
      tag: "admin: items",
      access: "admin",
      response: flaggedResponse,
    }),
    async (c) => {
      const { state } = await catalogStateFor(c.env).view();
      const ids = [...new Set([...state.unsafe, ...state.unavailable, ...state.blocked])];
      const metadata = await metadataOf(c.env, ids);
      return c.json({ items: ids.map((id) => describe(id, metadata.get(id), state)) });
    },
  );

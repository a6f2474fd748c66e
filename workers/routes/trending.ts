/**
 * `GET /v1/trending?category=&n=` — what is trending now: the live list (overall or for one
 * category) that the trending Durable Objects flush to KV from real events (`source: "trending"`),
 * topped up with the trained popular list (`source: "popular"`), falling back to the list built
 * into the Worker. Blocked and flagged (unsafe, unavailable) items are left out
 * (catalog/item-status.ts): flags leave the lists as they are, and the list built into the Worker
 * never forgets a removed item.
 *
 * `POST /v1/trending/flush` (admin) — flushes every trending shard and republishes the live lists
 * now instead of at the next alarm (operations, benchmarks, tests; trending/refresh-trending.ts, which
 * the scheduled trending refresh runs too): `{shards_flushed, shards_failed, items_reported, …publication}`.
 *
 * @example
 * curl 'http://127.0.0.1:8787/v1/trending?category=Comedy&n=5'
 */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { type Candidate, mergeCandidates } from "../candidates/candidate";
import { loadTrendingList } from "../candidates/trending";
import { readUnservableItems } from "../catalog/item-status";
import { FallbackLog } from "../fallbacks/fallback-log";
import { adminAuth } from "../middleware/admin-auth";
import { validate } from "../middleware/validate";
import { operation } from "../openapi/operation";
import { fallbackSchema, servedItemSchema } from "../openapi/shared-response-schemas";
import { refreshTrending } from "../trending/refresh-trending";

const querySchema = z.object({
  category: z.string().min(1).max(64).optional(),
  n: z.coerce.number().int().min(1).max(200).default(20),
});

const trendingResponse = z.object({
  request_id: z.string(),
  category: z.string().optional(),
  generated_at: z.string().describe("When the list the items lead with was made."),
  items: z.array(servedItemSchema),
  fallbacks: z.array(fallbackSchema),
});

const flushResponse = z.object({
  shards_flushed: z.number().int(),
  shards_failed: z.number().int(),
  items_reported: z.number().int(),
  generatedAt: z.string(),
  shards: z.number().int(),
  items: z.number().int(),
  categories: z.array(z.string()),
  removedCategories: z.array(z.string()),
  failedWrites: z.number().int().describe("KV writes that failed; the next publish retries them."),
});

/**
 * The list's scores, descending: live items keep their decayed counts; the popular list that tops
 * them up counts interactions on another scale, so its scores are scaled to continue below the
 * last live item's (in the same proportions), and a client reading `score` sees the list's order.
 */
export function descendingScores(candidates: Candidate[]): { candidate: Candidate; score: number }[] {
  const live = candidates.filter((candidate) => candidate.source === "trending");
  const floor = live.length > 0 ? Math.min(...live.map((candidate) => candidate.retrievalScore)) : Number.POSITIVE_INFINITY;
  const topUp = candidates.filter((candidate) => candidate.source !== "trending");
  const top = Math.max(0, ...topUp.map((candidate) => candidate.retrievalScore));
  const scale = Number.isFinite(floor) && top > 0 ? (floor * 0.99) / top : 1;
  return candidates.map((candidate) => ({
    candidate,
    score: candidate.source === "trending" ? candidate.retrievalScore : Math.round(candidate.retrievalScore * scale * 1e4) / 1e4,
  }));
}

/** The trending routes. */
export const trendingRoute = new Hono<AppEnv>()
  .get(
    "/",
    operation({
      summary: "What is trending now",
      description:
        "The live list (overall or for one category) topped up with the trained popular list; blocked and flagged items left out.",
      tag: "trending",
      access: "recommendations:read",
      response: trendingResponse,
    }),
    validate("query", querySchema),
    async (c) => {
      const { category, n } = c.req.valid("query");
      const fallbacks = new FallbackLog();
      const [{ candidates, generatedAt }, unservable] = await Promise.all([
        loadTrendingList(c.env.KV, fallbacks, category),
        readUnservableItems(c.env.KV),
      ]);
      return c.json({
        request_id: c.var.requestId,
        ...(category ? { category } : {}),
        generated_at: generatedAt,
        items: descendingScores(mergeCandidates([candidates], unservable).slice(0, n)).map(({ candidate, score }) => ({
          item_id: candidate.itemId,
          score,
          source: candidate.source,
          category: candidate.category,
        })),
        fallbacks: fallbacks.entries,
      } satisfies z.input<typeof trendingResponse>);
    },
  )
  .post(
    "/flush",
    operation({
      summary: "Flush the trending shards and republish the live lists now",
      tag: "trending",
      access: "admin",
      response: flushResponse,
    }),
    adminAuth,
    async (c) => c.json((await refreshTrending(c.env, c.var.logger)) satisfies z.input<typeof flushResponse>),
  );

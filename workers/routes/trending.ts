/**
 * `GET /v1/trending?category=&n=` — the popular list (overall or for one category) from KV,
 * falling back to the list built into the Worker.
 *
 * @example
 * curl 'http://127.0.0.1:8787/v1/trending?category=Comedy&n=5'
 */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { loadPopularList } from "../candidates/popular";
import { FallbackLog } from "../fallbacks/fallback";
import { validate } from "../middleware/validate";

const querySchema = z.object({
  category: z.string().min(1).max(64).optional(),
  n: z.coerce.number().int().min(1).max(200).default(20),
});

/** The trending route. */
export const trendingRoute = new Hono<AppEnv>().get("/", validate("query", querySchema), async (c) => {
  const { category, n } = c.req.valid("query");
  const fallbacks = new FallbackLog();
  const list = await loadPopularList(c.env.KV, fallbacks, category);
  return c.json({
    request_id: c.var.requestId,
    ...(category ? { category } : {}),
    generated_at: list.generatedAt,
    items: list.items.slice(0, n).map((item) => ({
      item_id: item.itemId,
      score: item.score,
      source: "popular" as const,
      category: item.category,
    })),
    fallbacks: fallbacks.entries,
  });
});

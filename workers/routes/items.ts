/**
 * `GET /v1/items/:item_id/similar?n=` — items nearest to one item in the embedding space
 * ("more like this"). Falls back to the popular list when the vector index is unavailable.
 *
 * @example
 * curl 'http://127.0.0.1:8787/v1/items/i00017/similar?n=5'
 */
import { Hono } from "hono";
import { z } from "zod";
import { idSchema } from "../../shared/events/interaction-event";
import { VECTORIZE_LIMITS } from "../../shared/vector-index/limits";
import type { AppEnv } from "../app-env";
import { annCandidates } from "../candidates/ann";
import { candidatesFromPopularList, loadPopularList } from "../candidates/popular";
import type { Candidate } from "../candidates/candidate";
import { ApiError } from "../errors/api-error";
import { describeError, FallbackLog } from "../fallbacks/fallback";
import { validate } from "../middleware/validate";
import { StageTimer } from "../recommend/stage-timer";
import { vectorIndexFor } from "../services";

const paramSchema = z.object({ item_id: idSchema });
const querySchema = z.object({ n: z.coerce.number().int().min(1).max(VECTORIZE_LIMITS.maxTopK - 1).default(10) });

/** The items routes. */
export const itemsRoute = new Hono<AppEnv>().get(
  "/:item_id/similar",
  validate("param", paramSchema),
  validate("query", querySchema),
  async (c) => {
    const { item_id: itemId } = c.req.valid("param");
    const { n } = c.req.valid("query");
    const timer = new StageTimer();
    const fallbacks = new FallbackLog();
    const index = vectorIndexFor(c.env);
    let candidates: Candidate[];
    try {
      const [item] = await timer.time("lookup", () => index.getByIds([itemId]));
      if (!item) throw new ApiError(404, "item_not_found", `no item '${itemId}' in the vector index`);
      const neighbours = await timer.time("candidates", () => annCandidates(index, item.values, { topK: n + 1, source: "similar" }));
      candidates = neighbours.filter((candidate) => candidate.itemId !== itemId);
    } catch (error) {
      if (error instanceof ApiError) throw error;
      fallbacks.add({ stage: "candidates", reason: "unavailable", used: "popular", detail: describeError(error) });
      const popular = await timer.time("candidates", () => loadPopularList(c.env.KV, fallbacks));
      candidates = candidatesFromPopularList(popular).filter((candidate) => candidate.itemId !== itemId);
    }
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
    });
  },
);

/**
 * `GET /v1/recommendations?user_id=&n=&surface=&item_id=&device=` — what this user should see now.
 * Surfaces: `home` (the full funnel), `more_like_this` (neighbours of `item_id`, personalised by the
 * user's session and ranker), `email` (the full funnel without anything already shown; digests for
 * many users come from `POST /v1/admin/digests`). `device` (`mobile`, `tv`, `web`, …) is a ranker
 * feature; without it the user's usual device from their profile is used.
 *
 * @example
 * curl 'http://127.0.0.1:8787/v1/recommendations?user_id=u00042&n=10'
 * → {"request_id":"…","user_id":"u00042","ranker":"sidecar","items":[{"item_id":"i01234","score":0.81,"source":"ann","category":"Drama"}],"fallbacks":[],"timings_ms":{…}}
 */
import { Hono } from "hono";
import { z } from "zod";
import { idSchema, SURFACES } from "../../shared/events/interaction-event";
import type { AppEnv } from "../app-env";
import { validate } from "../middleware/validate";
import { serveRecommendation } from "../recommend/serve-recommendation";

/** Largest `n` a client may ask for. */
export const MAX_RECOMMENDATIONS = 100;

const querySchema = z
  .object({
    user_id: idSchema,
    /** Default: the surface's configured n. */
    n: z.coerce.number().int().min(1).max(MAX_RECOMMENDATIONS).optional(),
    surface: z.enum(SURFACES).default("home"),
    /** Required with surface=more_like_this: the item to find more like. */
    item_id: idSchema.optional(),
    /** The requesting device class (free-form, ≤ 32 characters; see shared/features/user-context-features.ts). */
    device: z.string().min(1).max(32).optional(),
  })
  .refine((query) => query.surface !== "more_like_this" || query.item_id !== undefined, {
    message: "surface=more_like_this needs item_id",
    path: ["item_id"],
  });

/** The recommendations route. */
export const recommendationsRoute = new Hono<AppEnv>().get("/", validate("query", querySchema), async (c) => {
  const query = c.req.valid("query");
  const response = await serveRecommendation(
    c.env,
    {
      requestId: c.var.requestId,
      userId: query.user_id,
      surface: query.surface,
      ...(query.n !== undefined ? { n: query.n } : {}),
      ...(query.item_id ? { itemId: query.item_id } : {}),
      ...(query.device ? { device: query.device } : {}),
    },
    (promise) => c.executionCtx.waitUntil(promise),
    c.var.logger,
  );
  return c.json(response);
});

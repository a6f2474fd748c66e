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
import { RANKER_NAMES } from "../../shared/ranking/ranker-name";
import type { AppEnv } from "../app-env";
import { validate } from "../middleware/validate";
import { operation } from "../openapi/operation";
import { fallbackSchema, reasonSchema, servedItemSchema, timingsSchema } from "../openapi/shared-response-schemas";
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

/** The body of a recommendation (recommend/recommend-response.ts), as the OpenAPI document shows it. */
export const recommendationsResponse = z.object({
  request_id: z.string(),
  user_id: z.string(),
  surface: z.enum(SURFACES),
  ranker: z.enum(RANKER_NAMES),
  model_version: z.string().optional(),
  arms: z.record(z.string(), z.string()).describe("A/B arms the user is in (experiment id → arm)."),
  items: z.array(
    servedItemSchema.extend({
      exploration: z.object({ arm: z.string(), from: z.enum(["trending", "fresh"]) }).optional(),
      reason: reasonSchema,
    }),
  ),
  user_vector: z.object({
    source: z.enum(["trained", "session", "blended", "seed"]).nullable(),
    session_share: z.number(),
    fold_in: z.enum(["als_fold_in", "item_average"]).optional(),
  }),
  fallbacks: z.array(fallbackSchema),
  timings_ms: timingsSchema,
});

/** The recommendations route. */
export const recommendationsRoute = new Hono<AppEnv>().get(
  "/",
  operation({
    summary: "What this user should see now",
    description:
      "Surfaces: `home` (the full funnel), `more_like_this` (neighbours of `item_id`, personalised), `email` (the full funnel without anything already shown). A user token may ask only for its own `user_id`.",
    tag: "recommendations",
    access: "recommendations:read",
    response: recommendationsResponse,
  }),
  validate("query", querySchema),
  async (c) => {
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
    return c.json(response satisfies z.input<typeof recommendationsResponse>);
  },
);

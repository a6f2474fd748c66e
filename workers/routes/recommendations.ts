/**
 * `GET /v1/recommendations?user_id=&n=&surface=` — what this user should see now.
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
import { recommend } from "../recommend/recommend";
import { recommendDepsFor } from "../services";

/** Largest `n` a client may ask for. */
export const MAX_RECOMMENDATIONS = 100;

const querySchema = z.object({
  user_id: idSchema,
  n: z.coerce.number().int().min(1).max(MAX_RECOMMENDATIONS).default(10),
  surface: z.enum(SURFACES).default("home"),
});

/** The recommendations route. */
export const recommendationsRoute = new Hono<AppEnv>().get("/", validate("query", querySchema), async (c) => {
  const query = c.req.valid("query");
  const response = await recommend(
    { requestId: c.var.requestId, userId: query.user_id, n: query.n, surface: query.surface, now: new Date() },
    recommendDepsFor(c.env),
  );
  return c.json(response);
});

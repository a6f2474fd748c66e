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
import { recordServedResponse } from "../experiments/experiment-counters";
import { recommend } from "../recommend/recommend";
import { rankersForArm, servingConfigFor, servingPlanFor } from "../recommend/serving-plan";
import { recommendDepsFor } from "../services";

/** Largest `n` a client may ask for. */
export const MAX_RECOMMENDATIONS = 100;

const querySchema = z.object({
  user_id: idSchema,
  /** Default: the surface's configured n. */
  n: z.coerce.number().int().min(1).max(MAX_RECOMMENDATIONS).optional(),
  surface: z.enum(SURFACES).default("home"),
});

/** The recommendations route. */
export const recommendationsRoute = new Hono<AppEnv>().get("/", validate("query", querySchema), async (c) => {
  const query = c.req.valid("query");
  const plan = servingPlanFor(servingConfigFor(c.env), query.surface, query.user_id);
  const deps = recommendDepsFor(c.env);
  const response = await recommend(
    { requestId: c.var.requestId, userId: query.user_id, n: query.n ?? plan.n, surface: query.surface, now: new Date() },
    {
      ...deps,
      rankers: rankersForArm(deps.rankers, plan.overrides.ranker),
      exploration: { ...deps.exploration, ...(plan.overrides.exploration_share !== undefined ? { share: plan.overrides.exploration_share } : {}) },
      rerankRules: plan.rules,
      arms: plan.arms,
      waitUntil: (promise) => c.executionCtx.waitUntil(promise),
    },
  );
  if (Object.keys(plan.arms).length > 0) {
    const served = { items: response.items.length, latencyMs: response.timings_ms.total ?? 0 };
    c.executionCtx.waitUntil(
      recordServedResponse(c.env, query.user_id, plan.arms, served).catch((error: unknown) =>
        console.warn(JSON.stringify({ level: "warn", request_id: c.var.requestId, stage: "experiment_counters", error: String(error) })),
      ),
    );
  }
  return c.json(response);
});

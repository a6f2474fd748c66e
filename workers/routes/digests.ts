/**
 * `POST /v1/admin/digests` — email digests for many users at once (admin): `{"user_ids": [...],
 * "n"?}` runs the `email` surface for each user (the full funnel without anything the user was
 * already shown; what a digest serves is recorded, so the next digest does not repeat it).
 * Bounded in time per call: users not started within the budget come back in `pending`, for the
 * caller to send again.
 *
 * @example
 * curl -X POST -H "authorization: Bearer $ADMIN_TOKEN" -H 'content-type: application/json' \
 *   http://127.0.0.1:8787/v1/admin/digests -d '{"user_ids":["u00001","u00002"],"n":6}'
 * → {"digests":[{"user_id":"u00001","request_id":"…","items":[…]}],"pending":[],"timings_ms":{"total":42}}
 */
import { Hono } from "hono";
import { z } from "zod";
import { errorMessage } from "../../shared/errors/error-message";
import { idSchema } from "../../shared/events/interaction-event";
import type { AppEnv } from "../app-env";
import { serveRecommendation } from "../recommend/serve-recommendation";
import { readValidatedJson } from "./read-json-body";

/** Most users per call. */
export const MAX_DIGEST_USERS = 100;
/** Digests started per call stop after this long; the rest are returned as pending. */
export const DIGEST_BUDGET_MS = 10_000;
/** Users served at once. */
const DIGEST_CONCURRENCY = 4;

const bodySchema = z
  .object({
    user_ids: z.array(idSchema).min(1).max(MAX_DIGEST_USERS),
    n: z.number().int().min(1).max(50).optional(),
  })
  .strict();

/** The digests route (mounted under the admin routes, behind the admin token). */
export const digestsRoute = new Hono<AppEnv>().post("/", async (c) => {
  const body = await readValidatedJson(c.req.raw, 64 * 1024, bodySchema);
  const started = Date.now();
  const users = [...new Set(body.user_ids)];
  const digests: ({ user_id: string } & Record<string, unknown>)[] = [];
  const failed: { user_id: string; error: string }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < users.length && Date.now() - started < DIGEST_BUDGET_MS) {
      const userId = users[next++]!;
      const requestId = `${c.var.requestId}:${userId}`.slice(0, 64);
      try {
        const response = await serveRecommendation(
          c.env,
          { requestId, userId, surface: "email", ...(body.n ? { n: body.n } : {}) },
          (promise) => c.executionCtx.waitUntil(promise),
          c.var.logger.child({ request_id: requestId }),
        );
        digests.push({
          user_id: userId,
          request_id: response.request_id,
          arms: response.arms,
          items: response.items,
          fallbacks: response.fallbacks,
        });
      } catch (error) {
        failed.push({ user_id: userId, error: errorMessage(error, 200) });
      }
    }
  };
  await Promise.all(Array.from({ length: DIGEST_CONCURRENCY }, worker));
  const order = new Map(users.map((user, index) => [user, index]));
  digests.sort((a, b) => order.get(a.user_id)! - order.get(b.user_id)!);
  return c.json({ digests, failed, pending: users.slice(next), timings_ms: { total: Date.now() - started } });
});

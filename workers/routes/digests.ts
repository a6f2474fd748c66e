/**
 * `POST /v1/admin/digests` — email digests for many users at once (admin): `{"user_ids": [...],
 * "n"?}` runs the `email` surface for each user (the full funnel without anything the user was
 * already shown; what a digest serves is recorded, so the next digest does not repeat it;
 * digests/build-digests.ts, shared with the nightly job). Bounded in time per call: users not
 * started within the budget come back in `pending`, for the caller to send again.
 *
 * `/v1/admin/digests/opt-ins` — who gets the nightly digest (routes/digest-opt-ins.ts).
 *
 * @example
 * curl -X POST -H "authorization: Bearer $ADMIN_TOKEN" -H 'content-type: application/json' \
 *   http://127.0.0.1:8787/v1/admin/digests -d '{"user_ids":["u00001","u00002"],"n":6}'
 * → {"digests":[{"user_id":"u00001","request_id":"…","items":[…]}],"failed":[],"pending":[],"timings_ms":{"total":42}}
 */
import { Hono } from "hono";
import { z } from "zod";
import { idSchema } from "../../shared/events/interaction-event";
import type { AppEnv } from "../app-env";
import { buildDigests } from "../digests/build-digests";
import { jsonBody } from "../middleware/json-body";
import { operation } from "../openapi/operation";
import { recommendationsResponse } from "./recommendations";
import { digestOptInsRoute } from "./digest-opt-ins";

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

const digestsResponse = z.object({
  digests: z.array(
    z
      .object({ user_id: z.string() })
      .extend(recommendationsResponse.pick({ request_id: true, arms: true, items: true, fallbacks: true }).shape),
  ),
  failed: z.array(z.object({ user_id: z.string(), error: z.string() })),
  pending: z.array(z.string()).describe("Users not started within the time budget: send them again."),
  timings_ms: z.object({ total: z.number() }),
});

/** The digests route (mounted under the admin routes, behind the admin token). */
export const digestsRoute = new Hono<AppEnv>()
  .post(
    "/",
    operation({
      summary: "Email digests for many users",
      description: `The \`email\` surface for up to ${MAX_DIGEST_USERS} users per call, never repeating what a user was shown.`,
      tag: "admin: digests",
      access: "admin",
      response: digestsResponse,
      errors: [413],
    }),
    jsonBody(bodySchema, { maxBytes: 64 * 1024 }),
    async (c) => {
      const body = c.req.valid("json");
      const started = Date.now();
      const { digests, failed, pending } = await buildDigests(c.env, body.user_ids, {
        requestIdPrefix: c.var.requestId,
        ...(body.n ? { n: body.n } : {}),
        budgetMs: DIGEST_BUDGET_MS,
        concurrency: DIGEST_CONCURRENCY,
        waitUntil: (promise) => c.executionCtx.waitUntil(promise),
        logger: c.var.logger,
      });
      return c.json({ digests, failed, pending, timings_ms: { total: Date.now() - started } } satisfies z.input<typeof digestsResponse>);
    },
  )
  .route("/opt-ins", digestOptInsRoute);

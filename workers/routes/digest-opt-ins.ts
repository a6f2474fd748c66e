/**
 * Who gets the nightly email digest (admin; the DigestSubscriptions object, shared/digests/): the
 * opt-in list the scheduled digest job walks (workers/scheduled/email-digests.ts). A customer's
 * backend, which knows its users' email preferences, keeps it in step; erasing a user takes them off.
 *
 * - `GET  /v1/admin/digests/opt-ins?after=&limit=` — one page in user-id order:
 *   `{user_ids, cursor, total}` (`cursor` is null on the last page; pass it as `after`);
 * - `POST /v1/admin/digests/opt-ins` `{"user_ids": [...]}` (1–1000) — opt users in: `{added, total}`;
 * - `POST /v1/admin/digests/opt-ins/delete` `{"user_ids": [...]}` (1–1000) — opt users out: `{removed, total}`.
 *
 * Bad input is a 400 JSON error (`invalid_json`, `invalid_request` naming the field); bodies over
 * 128 KB are 413 `payload_too_large`.
 *
 * @example
 * curl -X POST -H "authorization: Bearer $ADMIN_TOKEN" -H 'content-type: application/json' \
 *   http://127.0.0.1:8787/v1/admin/digests/opt-ins -d '{"user_ids":["u00001","u00002"]}'
 * → {"added":2,"total":2}
 */
import { Hono } from "hono";
import { z } from "zod";
import { DIGEST_SUBSCRIPTION_LIMITS, DIGEST_SUBSCRIPTIONS_NAME } from "../../shared/digests/digest-subscriptions-contract";
import { idSchema } from "../../shared/events/interaction-event";
import type { AppEnv } from "../app-env";
import { jsonBody } from "../middleware/json-body";
import { validate } from "../middleware/validate";
import { operation } from "../openapi/operation";

/** Largest body accepted (1000 ids of 64 characters fit). */
const MAX_BODY_BYTES = 128 * 1024;

const changeSchema = z.object({ user_ids: z.array(idSchema).min(1).max(DIGEST_SUBSCRIPTION_LIMITS.maxIdsPerChange) }).strict();

const listQuery = z.object({
  after: idSchema.optional(),
  limit: z.coerce.number().int().min(1).max(DIGEST_SUBSCRIPTION_LIMITS.maxPageSize).default(DIGEST_SUBSCRIPTION_LIMITS.maxPageSize),
});

const subscriptions = (env: Env) => env.DIGEST_SUBSCRIPTIONS.getByName(DIGEST_SUBSCRIPTIONS_NAME);

const pageResponse = z.object({
  user_ids: z.array(z.string()),
  cursor: z.string().nullable().describe("Pass as `after` for the next page; null on the last page."),
  total: z.number().int(),
});
const addedResponse = z.object({ added: z.number().int(), total: z.number().int() });
const removedResponse = z.object({ removed: z.number().int(), total: z.number().int() });

/** The opt-in routes, under `/v1/admin/digests/opt-ins` (behind the admin routes' credential check). */
export const digestOptInsRoute = new Hono<AppEnv>()
  .get(
    "/",
    operation({
      summary: "Who gets the nightly digest, one page in user-id order",
      tag: "admin: digests",
      access: "admin",
      response: pageResponse,
    }),
    validate("query", listQuery),
    async (c) => {
      const { after, limit } = c.req.valid("query");
      const page = await subscriptions(c.env).list(after, limit);
      return c.json({ user_ids: page.userIds, cursor: page.cursor, total: page.total } satisfies z.input<typeof pageResponse>);
    },
  )
  .post(
    "/",
    operation({
      summary: "Opt users in to the nightly digest",
      tag: "admin: digests",
      access: "admin",
      response: addedResponse,
      errors: [413],
    }),
    jsonBody(changeSchema, { maxBytes: MAX_BODY_BYTES }),
    async (c) => {
      const { changed, total } = await subscriptions(c.env).optIn(c.req.valid("json").user_ids);
      return c.json({ added: changed, total } satisfies z.input<typeof addedResponse>);
    },
  )
  .post(
    "/delete",
    operation({
      summary: "Opt users out of the nightly digest",
      tag: "admin: digests",
      access: "admin",
      response: removedResponse,
      errors: [413],
    }),
    jsonBody(changeSchema, { maxBytes: MAX_BODY_BYTES }),
    async (c) => {
      const { changed, total } = await subscriptions(c.env).optOut(c.req.valid("json").user_ids);
      return c.json({ removed: changed, total } satisfies z.input<typeof removedResponse>);
    },
  );

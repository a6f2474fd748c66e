/**
 * Server keys (admin): create, list and revoke the keys customers' backends present — no
 * redeploy needed (auth/api-key-store.ts stores them hashed).
 *
 * - `POST   /v1/admin/keys` `{name, scopes}` → 201 `{key_id, name, scopes, created_at, key}`; the key
 *   is shown only in this answer. Scopes: `recommendations:read`, `events:write`, `admin`.
 * - `GET    /v1/admin/keys` → `{keys: [{key_id, name, scopes, created_at}]}` (never a secret)
 * - `DELETE /v1/admin/keys/:key_id` → `{key_id, revoked: true}`; 404 for an unknown id
 *
 * @example
 * curl -X POST http://127.0.0.1:8787/v1/admin/keys -H "authorization: Bearer $ADMIN_KEY" \
 *   -H 'content-type: application/json' -d '{"name":"shop-backend","scopes":["recommendations:read","events:write"]}'
 */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { API_KEY_LIMITS, createServerKey, listServerKeys, revokeServerKey } from "../auth/api-key-store";
import { SCOPES } from "../auth/principal";
import { ApiError } from "../errors/api-error";
import { jsonBody } from "../middleware/json-body";
import { validate } from "../middleware/validate";
import { operation } from "../openapi/operation";

const newKeySchema = z
  .object({
    name: z.string().trim().min(1).max(API_KEY_LIMITS.maxNameLength),
    scopes: z.array(z.enum(SCOPES)).min(1),
  })
  .strict();

const keyRecord = z.object({ key_id: z.string(), name: z.string(), scopes: z.array(z.enum(SCOPES)), created_at: z.string() });
const createdKeyResponse = keyRecord.extend({ key: z.string().describe("The secret: shown only in this answer.") });
const keyListResponse = z.object({ keys: z.array(keyRecord) });
const revokedKeyResponse = z.object({ key_id: z.string(), revoked: z.literal(true) });

/** The server-key routes (mounted under the admin routes, so admin only). */
export const keysRoute = new Hono<AppEnv>()
  .post(
    "/",
    operation({
      summary: "Create a server key",
      description: "The key is shown only in this answer. 409 `key_limit_reached` past the limit.",
      tag: "admin: keys",
      access: "admin",
      response: createdKeyResponse,
      status: 201,
      errors: [409, 413],
    }),
    jsonBody(newKeySchema, { maxBytes: 4096 }),
    async (c) => {
      const { name, scopes } = c.req.valid("json");
      if ((await listServerKeys(c.env.KV)).length >= API_KEY_LIMITS.maxKeys) {
        throw new ApiError(409, "key_limit_reached", `${API_KEY_LIMITS.maxKeys} server keys exist already; revoke unused ones first`);
      }
      return c.json((await createServerKey(c.env.KV, name, scopes)) satisfies z.input<typeof createdKeyResponse>, 201);
    },
  )
  .get(
    "/",
    operation({ summary: "List server keys (never a secret)", tag: "admin: keys", access: "admin", response: keyListResponse }),
    async (c) => c.json({ keys: await listServerKeys(c.env.KV) } satisfies z.input<typeof keyListResponse>),
  )
  .delete(
    "/:key_id",
    operation({ summary: "Revoke a server key", tag: "admin: keys", access: "admin", response: revokedKeyResponse, errors: [404] }),
    validate("param", z.object({ key_id: z.string().regex(/^[0-9a-f]{16}$/, "key ids are 16 hex digits") })),
    async (c) => {
      const { key_id: keyId } = c.req.valid("param");
      if (!(await revokeServerKey(c.env.KV, keyId))) throw new ApiError(404, "not_found", `no server key '${keyId}'`);
      return c.json({ key_id: keyId, revoked: true } satisfies z.input<typeof revokedKeyResponse>);
    },
  );

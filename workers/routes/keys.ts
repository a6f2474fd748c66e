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
import { validate } from "../middleware/validate";
import { readValidatedJson } from "./read-json-body";

const newKeySchema = z
  .object({
    name: z.string().trim().min(1).max(API_KEY_LIMITS.maxNameLength),
    scopes: z.array(z.enum(SCOPES)).min(1),
  })
  .strict();

/** The server-key routes (mounted under the admin routes, so admin only). */
export const keysRoute = new Hono<AppEnv>()
  .post("/", async (c) => {
    const { name, scopes } = await readValidatedJson(c.req.raw, 4096, newKeySchema);
    if ((await listServerKeys(c.env.KV)).length >= API_KEY_LIMITS.maxKeys) {
      throw new ApiError(409, "key_limit_reached", `${API_KEY_LIMITS.maxKeys} server keys exist already; revoke unused ones first`);
    }
    return c.json(await createServerKey(c.env.KV, name, scopes), 201);
  })
  .get("/", async (c) => c.json({ keys: await listServerKeys(c.env.KV) }))
  .delete(
    "/:key_id",
    validate("param", z.object({ key_id: z.string().regex(/^[0-9a-f]{16}$/, "key ids are 16 hex digits") })),
    async (c) => {
      const { key_id: keyId } = c.req.valid("param");
      if (!(await revokeServerKey(c.env.KV, keyId))) throw new ApiError(404, "not_found", `no server key '${keyId}'`);
      return c.json({ key_id: keyId, revoked: true });
    },
  );

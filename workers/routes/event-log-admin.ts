/**
 * Reading the event lake through the Worker (admin only), so the offline pipeline reads the same
 * bucket locally (`npm start`'s local R2) and on Cloudflare with nothing but the admin key
 * (pipeline/data/lake/worker-lake-source.ts):
 *
 * - `GET /v1/admin/event-log?prefix=events/dt=2026-12-06/&cursor=…&limit=1000` — object keys, sizes
 *   and upload times under a prefix of `events/`, `tombstones/`, `dead-letter/` or `digests/` (the
 *   nightly email digests, for a sender without R2 credentials), one page at a time (`cursor` is
 *   null on the last page);
 * - `GET /v1/admin/event-log/object?key=events/dt=…/….ndjson.gz` — one object's bytes as stored.
 *
 * @example
 * curl -H "authorization: Bearer $ADMIN_TOKEN" 'http://127.0.0.1:8787/v1/admin/event-log?prefix=events/'
 */
import { Hono } from "hono";
import { z } from "zod";
import { TOMBSTONE_PREFIX } from "../../shared/events/erasure-tombstone";
import { DEAD_LETTER_PREFIX, EVENTS_PREFIX } from "../../shared/events/event-lake-layout";
import { DIGESTS_PREFIX } from "../../shared/digests/digest-layout";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors/api-error";
import { validate } from "../middleware/validate";
import { operation } from "../openapi/operation";

/** Folders of the bucket this route reads; nothing else in it is served. */
const READABLE_PREFIXES = [`${EVENTS_PREFIX}/`, `${TOMBSTONE_PREFIX}/`, `${DEAD_LETTER_PREFIX}/`, `${DIGESTS_PREFIX}/`] as const;

const readable = (value: string) => READABLE_PREFIXES.some((prefix) => value.startsWith(prefix)) && !value.split("/").includes("..");
const readableMessage = `must start with one of ${READABLE_PREFIXES.join(", ")}`;

const listQuery = z.object({
  prefix: z.string().max(512).refine(readable, readableMessage),
  cursor: z.string().max(1024).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(1000),
});

const objectQuery = z.object({ key: z.string().min(1).max(1024).refine(readable, readableMessage) });

const listResponse = z.object({
  objects: z.array(z.object({ key: z.string(), size: z.number().int(), uploaded: z.string() })),
  cursor: z.string().nullable().describe("Pass back for the next page; null on the last page."),
});

/** The event lake routes, under `/v1/admin/event-log`. */
export const eventLogAdminRoute = new Hono<AppEnv>()
  .get(
    "/",
    operation({ summary: "List event lake objects under a prefix", tag: "admin: event log", access: "admin", response: listResponse }),
    validate("query", listQuery),
    async (c) => {
      const { prefix, cursor, limit } = c.req.valid("query");
      const page = await c.env.EVENT_LOG.list({ prefix, limit, ...(cursor ? { cursor } : {}) });
      return c.json({
        objects: page.objects.map((object) => ({ key: object.key, size: object.size, uploaded: object.uploaded.toISOString() })),
        cursor: page.truncated ? page.cursor : null,
      } satisfies z.input<typeof listResponse>);
    },
  )
  .get(
    "/object",
    operation({
      summary: "One event lake object's bytes, as stored",
      tag: "admin: event log",
      access: "admin",
      response: {
        description: "The object's bytes (NDJSON, gzipped NDJSON, …) with its stored content type.",
        content: { "application/octet-stream": "binary" },
      },
      errors: [404],
    }),
    validate("query", objectQuery),
    async (c) => {
      const { key } = c.req.valid("query");
      const object = await c.env.EVENT_LOG.get(key);
      if (!object) throw new ApiError(404, "not_found", `no event log object ${key}`);
      return new Response(object.body, {
        headers: {
          "content-type": object.httpMetadata?.contentType ?? "application/octet-stream",
          "content-length": String(object.size),
          etag: object.httpEtag,
        },
      });
    },
  );

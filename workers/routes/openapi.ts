/**
 * The API's description, open to anybody (no credential; app.ts mounts it outside `/v1`):
 *
 * - `GET /openapi.json` — the OpenAPI 3.1 document, generated from the routes' own declarations and
 *   validators (openapi/openapi-document.ts); client/ holds a typed client generated from it;
 * - `GET /docs` — the same as a reference page (server-rendered HTML, no scripts).
 *
 * @example
 * curl http://127.0.0.1:8787/openapi.json
 */
import { type Hono, Hono as HonoApp } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { openApiDocument } from "../openapi/openapi-document";
import { operation } from "../openapi/operation";
import { type ReferenceDocument, renderReferencePage } from "../openapi/render-reference-page";

const openApiResponse = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
  components: z.record(z.string(), z.unknown()),
});

type OpenApiDocument = Awaited<ReturnType<typeof openApiDocument>>;

/** The document and reference page routes of `app` (generated once per isolate, on first use). */
export function openApiRoute(app: Hono<AppEnv>) {
  let document: Promise<OpenApiDocument> | undefined;
  const load = () => {
    document ??= openApiDocument(app).catch((error: unknown) => {
      document = undefined;
      throw error;
    });
    return document;
  };
  return new HonoApp<AppEnv>()
    .get(
      "/openapi.json",
      operation({ summary: "This OpenAPI 3.1 document", tag: "reference", access: "public", response: openApiResponse }),
      async (c) => c.json(await load()),
    )
    .get(
      "/docs",
      operation({
        summary: "The API reference page",
        tag: "reference",
        access: "public",
        response: { description: "The document rendered as one HTML page (no scripts).", content: { "text/html": "text" } },
      }),
      async (c) => c.html(renderReferencePage((await load()) as unknown as ReferenceDocument)),
    );
}

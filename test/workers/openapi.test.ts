/**
 * The OpenAPI document (`GET /openapi.json`) against the app it describes: it lists exactly the
 * routes the app serves (read from the Hono app's own route table, so a new undocumented route
 * fails here), each with its parameters, body and responses; a request its schemas reject gets the
 * documented 400; answers match the documented schemas; the reference page and the typed client
 * (client/) work against the Worker. client/openapi.json is kept equal to the served document
 * (refresh: `npx vitest run test/workers/openapi.test.ts -u`, then `npx tsx scripts/render-api-types.ts`).
 */
import { exports } from "cloudflare:workers";
import { uniqueSymbol } from "hono-openapi";
import { findTargetHandler } from "hono/utils/handler";
import { beforeAll, describe, expect, it } from "vitest";
import { createEdgeRecsClient } from "../../client/edge-recs-client";
import { recommendAndClick } from "../../client/example";
import { createApp } from "../../workers/app";
import { apiErrorSchema } from "../../workers/errors/api-error";
import { ADMIN_TOKEN, call, callAnonymous, json } from "./helpers";

type Operation = {
  operationId: string;
  summary?: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean; schema?: Record<string, unknown> }[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: unknown }> };
  responses: Record<string, { $ref?: string; description?: string; content?: Record<string, { schema?: unknown }> }>;
  "x-required-scope"?: string;
};
type Document = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, Record<string, unknown>>;
};

const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

/** Hono's `/a/:id` as OpenAPI's `/a/{id}`. */
const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");

function operationsOf(document: Document): { method: string; path: string; op: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((method) => item[method]).map((method) => ({ method, path, op: item[method]! })),
  );
}

/** The documented answer schema of one route, as the route declares it (operation(), hono-openapi's metadata). */
function documentedSchema(method: string, path: string, status = "200") {
  for (const route of createApp().routes) {
    if (route.method !== method || route.path !== path) continue;
    const meta = (findTargetHandler(route.handler) as unknown as Record<symbol, unknown>)[uniqueSymbol] as
      | { spec?: { responses?: Record<string, { content?: Record<string, { schema: { validate: (value: unknown) => unknown } }> }> } }
      | undefined;
    const schema = meta?.spec?.responses?.[status]?.content?.["application/json"]?.schema;
    if (schema) return schema;
  }
  throw new Error(`no documented ${status} answer for ${method} ${path}`);
}

async function expectDocumented(method: string, path: string, response: Response, status = "200") {
  expect(response.status, `${method} ${path}`).toBe(Number(status));
  const body = await json(response);
  const result = (await documentedSchema(method, path, status).validate(body)) as { issues?: unknown[] };
  expect(result.issues, `${method} ${path}: ${JSON.stringify(result.issues)}`).toBeUndefined();
  return body;
}

let document: Document;

beforeAll(async () => {
  const response = await callAnonymous("/openapi.json");
  expect(response.status).toBe(200);
  document = await json<Document>(response);
});

describe("GET /openapi.json", () => {
  it("is served to anybody, as OpenAPI 3.1 with the three credentials as bearer schemes", async () => {
    expect(document.openapi).toBe("3.1.0");
    expect(document.info).toMatchObject({ title: "edge-recs API", version: "1" });
    expect(Object.keys(document.components.securitySchemes ?? {}).sort()).toEqual(["adminKey", "serverKey", "userToken"]);
    for (const scheme of Object.values(document.components.securitySchemes ?? {}))
      expect(scheme).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("is the committed client/openapi.json (the typed client's source)", async () => {
    await expect(`${JSON.stringify(document, null, 2)}\n`).toMatchFileSnapshot("../../client/openapi.json");
  });

  it("lists every route the app serves and no other", () => {
    const served = new Set(
      createApp()
        .routes.filter((route) => route.method !== "ALL")
        .map((route) => `${route.method.toLowerCase()} ${openApiPath(route.path)}`),
    );
    const documented = new Set(operationsOf(document).map(({ method, path }) => `${method} ${path}`));
    expect(
      [...served].filter((route) => !documented.has(route)),
      "served but not documented",
    ).toEqual([]);
    expect(
      [...documented].filter((route) => !served.has(route)),
      "documented but not served",
    ).toEqual([]);
    expect(documented.size).toBeGreaterThan(40);
  });

  it("documents each operation's parameters, body, success answer, errors and credentials", () => {
    const operationIds = new Set<string>();
    // Operations that take no body: everything they act on is in the path or query.
    const bodyless = new Set(["post /v1/trending/flush", "post /v1/admin/releases/{id}/purge", "post /v1/admin/releases/{id}/activate"]);
    for (const { method, path, op } of operationsOf(document)) {
      const where = `${method} ${path}`;
      expect(operationIds.has(op.operationId), `${where}: unique operationId`).toBe(false);
      operationIds.add(op.operationId);
      expect(op.summary, where).toEqual(expect.any(String));
      for (const name of [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1])) {
        const parameter = op.parameters?.find((candidate) => candidate.in === "path" && candidate.name === name);
        expect(parameter, `${where}: path parameter ${name}`).toMatchObject({ required: true, schema: expect.any(Object) });
      }
      for (const parameter of op.parameters ?? []) expect(parameter.schema, `${where}: ${parameter.name}`).toEqual(expect.any(Object));
      if ((method === "put" || method === "post") && !bodyless.has(where)) {
        const content = Object.values(op.requestBody?.content ?? {});
        expect(content.length, `${where}: request body`).toBeGreaterThan(0);
        for (const media of content) expect(media.schema, `${where}: request body schema`).toEqual(expect.any(Object));
      }
      const success = Object.entries(op.responses).filter(([status]) => status.startsWith("2"));
      expect(success.length, `${where}: a success answer`).toBe(1);
      const [, answer] = success[0]!;
      expect(Object.values(answer.content ?? {})[0]?.schema, `${where}: success schema`).toEqual(expect.any(Object));
      expect(op.responses["500"], where).toEqual({ $ref: "#/components/responses/InternalError" });
      if (op["x-required-scope"] === "public") {
        expect(op.security, where).toEqual([]);
      } else {
        expect(op.security?.length, `${where}: credentials`).toBeGreaterThan(0);
        expect(op.responses["401"], where).toEqual({ $ref: "#/components/responses/Unauthorized" });
        expect(op.responses["403"], where).toEqual({ $ref: "#/components/responses/Forbidden" });
      }
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) >= 400)
          expect(response.$ref, `${where} ${status}: the shared error answer`).toMatch(/^#\/components\/responses\//);
      }
    }
  });

  it("resolves every $ref, and every error answer is the ApiError schema", () => {
    const text = JSON.stringify(document);
    for (const [, kind, name] of text.matchAll(/"#\/components\/([A-Za-z]+)\/([^"]+)"/g)) {
      expect(document.components[kind!]?.[name!], `#/components/${kind}/${name}`).toBeDefined();
    }
    for (const [name, response] of Object.entries(document.components.responses ?? {})) {
      expect(response, name).toMatchObject({ content: { "application/json": { schema: { $ref: "#/components/schemas/ApiError" } } } });
    }
    expect(document.components.schemas?.ApiError).toMatchObject({ required: ["error"] });
  });
});

describe("requests the documented schemas reject", () => {
  it.each([
    ["GET", "/v1/recommendations?user_id=u1&n=0", "get", "/v1/recommendations", "query n"],
    ["GET", "/v1/trending?n=100000", "get", "/v1/trending", "query n"],
    ["GET", "/v1/items/bad%20id/similar", "get", "/v1/items/{item_id}/similar", "path item_id"],
    ["PUT", "/v1/items/i1/status", "put", "/v1/items/{item_id}/status", "body {}"],
    ["POST", "/v1/admin/keys", "post", "/v1/admin/keys", "body without scopes"],
    ["GET", "/v1/admin/event-log?prefix=secrets/", "get", "/v1/admin/event-log", "query prefix"],
    ["PUT", "/v1/admin/releases/r1/canary", "put", "/v1/admin/releases/{id}/canary", "body share 2"],
  ])("%s %s → the documented 400", async (method, url, docMethod, docPath, what) => {
    const bodies: Record<string, unknown> = { "body {}": {}, "body without scopes": { name: "k" }, "body share 2": { share: 2 } };
    const response = await call(url, {
      method,
      ...(what in bodies ? { headers: { "content-type": "application/json" }, body: JSON.stringify(bodies[what]) } : {}),
    });
    expect(response.status).toBe(400);
    expect(document.paths[docPath]?.[docMethod]?.responses["400"]).toEqual({ $ref: "#/components/responses/BadRequest" });
    const body = apiErrorSchema.parse(await json(response));
    expect(body.error.code).toBe("invalid_request");
  });

  it("shows the limits it enforces (the validator's own schema)", () => {
    const n = document.paths["/v1/recommendations"]?.get?.parameters?.find((parameter) => parameter.name === "n");
    expect(n?.schema).toMatchObject({ minimum: 1, maximum: 100 });
    const body = document.paths["/v1/items/{item_id}/status"]?.put?.requestBody?.content["application/json"]?.schema;
    expect(body).toMatchObject({
      properties: { unsafe: { type: "boolean" }, available: { type: "boolean" } },
      additionalProperties: false,
    });
  });

  it("keeps invalid_json for a body that does not parse", async () => {
    const response = await call("/v1/admin/keys", { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
    expect(response.status).toBe(400);
    expect(apiErrorSchema.parse(await json(response)).error.code).toBe("invalid_json");
  });
});

describe("answers match the documented schemas", () => {
  it("public and recommendation routes", async () => {
    await expectDocumented("GET", "/healthz", await callAnonymous("/healthz"));
    await expectDocumented("GET", "/v1/recommendations", await call("/v1/recommendations?user_id=u-openapi&n=5"));
    await expectDocumented("GET", "/v1/trending", await call("/v1/trending?n=5"));
    await expectDocumented("GET", "/v1/items/:item_id/similar", await call("/v1/items/i00017/similar?n=3"));
  });

  it("admin routes", async () => {
    await expectDocumented("GET", "/v1/admin/releases", await call("/v1/admin/releases"));
    await expectDocumented("GET", "/v1/admin/experiments", await call("/v1/admin/experiments"));
    await expectDocumented("GET", "/v1/admin/experiments/:experiment_id", await call("/v1/admin/experiments/route-exp"));
    await expectDocumented("GET", "/v1/admin/index", await call("/v1/admin/index"));
    await expectDocumented("GET", "/v1/admin/users/:user_id/session", await call("/v1/admin/users/u-openapi/session"));
    await expectDocumented("GET", "/v1/users/:user_id/state", await call("/v1/users/u-openapi/state"));
    const created = await call("/v1/admin/keys", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "openapi-test", scopes: ["recommendations:read"] }),
    });
    const key = await expectDocumented("POST", "/v1/admin/keys", created, "201");
    await expectDocumented("GET", "/v1/admin/keys", await call("/v1/admin/keys"));
    await expectDocumented("DELETE", "/v1/admin/keys/:key_id", await call(`/v1/admin/keys/${key.key_id}`, { method: "DELETE" }));
  });
});

describe("GET /docs", () => {
  it("renders every operation on one page that needs nothing from elsewhere", async () => {
    const response = await callAnonymous("/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const page = await response.text();
    expect(page).not.toMatch(/<script|<link|src=|https?:\/\//i);
    for (const { method, path } of operationsOf(document)) expect(page).toContain(`${method.toUpperCase()}</span> <code>${path}</code>`);
  });
});

describe("the typed client (client/)", () => {
  const worker = (request: Request) => exports.default.fetch(request);

  it("runs the README's example against the Worker", async () => {
    const api = createEdgeRecsClient({ baseUrl: "http://edge.test", credential: ADMIN_TOKEN, fetch: worker });
    const outcome = await recommendAndClick(api, "u-client-example");
    expect(outcome.shown.length).toBeGreaterThan(0);
    expect(outcome.accepted).toBe(1);
  });

  it("answers errors in the documented shape", async () => {
    const api = createEdgeRecsClient({ baseUrl: "http://edge.test", fetch: worker });
    const { data, error, response } = await api.GET("/v1/trending", { params: { query: { n: 5 } } });
    expect(data).toBeUndefined();
    expect(response.status).toBe(401);
    expect(error?.error.code).toBe("unauthorized");
  });
});

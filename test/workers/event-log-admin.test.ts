/**
 * Reading the event lake through the admin API (what `pipeline train --lake local|<url>` uses): a
 * page of keys under an allowed prefix with a cursor, an object's bytes as stored, 400 for any other
 * prefix or key, 404 for a missing object, and nothing for a credential without the admin scope.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, json, postJson } from "./helpers";

describe("GET /v1/admin/event-log", () => {
  it("lists keys under a prefix page by page and serves an object's bytes", async () => {
    for (let i = 0; i < 3; i++) await env.EVENT_LOG.put(`events/dt=2026-01-02/hour=03/${i}-adm.ndjson`, `{"n":${i}}\n`);
    const first = await json(await call("/v1/admin/event-log?prefix=events/dt=2026-01-02/&limit=2"));
    expect(first.objects.map((object: any) => object.key)).toEqual([
      "events/dt=2026-01-02/hour=03/0-adm.ndjson",
      "events/dt=2026-01-02/hour=03/1-adm.ndjson",
    ]);
    expect(first.objects[0]).toMatchObject({ size: 8 });
    expect(typeof first.cursor).toBe("string");
    const second = await json(
      await call(`/v1/admin/event-log?prefix=events/dt=2026-01-02/&limit=2&cursor=${encodeURIComponent(first.cursor)}`),
    );
    expect(second.objects.map((object: any) => object.key)).toEqual(["events/dt=2026-01-02/hour=03/2-adm.ndjson"]);
    expect(second.cursor).toBeNull();

    const object = await call("/v1/admin/event-log/object?key=events/dt=2026-01-02/hour=03/1-adm.ndjson");
    expect(object.status).toBe(200);
    expect(await object.text()).toBe('{"n":1}\n');
  });

  it("refuses other prefixes and keys, and answers 404 for a missing object", async () => {
    for (const path of [
      "/v1/admin/event-log?prefix=",
      "/v1/admin/event-log?prefix=secrets/",
      "/v1/admin/event-log?prefix=events/../secrets/",
      "/v1/admin/event-log/object?key=other/x",
      "/v1/admin/event-log?prefix=events/&limit=5000",
    ]) {
      const response = await call(path);
      expect(response.status, path).toBe(400);
      expect((await json(response)).error.code).toBe("invalid_request");
    }
    const missing = await call("/v1/admin/event-log/object?key=events/none.ndjson");
    expect(missing.status).toBe(404);
    expect((await json(missing)).error.code).toBe("not_found");
  });

  it("is for admin credentials only", async () => {
    const created = await json(await postJson("/v1/admin/keys", { name: "lake-reader", scopes: ["recommendations:read", "events:write"] }));
    const response = await call("/v1/admin/event-log?prefix=events/", { headers: { authorization: `Bearer ${created.key}` } });
    expect(response.status).toBe(403);
  });
});

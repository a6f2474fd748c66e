/**
 * Credentials and scopes on the public edge: anonymous and wrong credentials are 401, cross-user
 * calls of a user token are 403, each kind of credential (admin key, server key, HS256 and ES256
 * user tokens) can do what its scopes say and nothing more, server keys are stored hashed and can be
 * revoked, and nothing about a credential leaks into an answer.
 */
import { env } from "cloudflare:workers";
import { sign } from "hono/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { TEST_ES256_PRIVATE_JWK, TEST_USER_TOKEN_SECRET } from "../support/user-token-keys";
import { seedFixture } from "./fixture";
import { callAnonymous, callHandler, json } from "./helpers";

const now = () => Math.floor(Date.now() / 1000);

/** A HS256 user token for `sub` (claims overridable). */
function userToken(sub: string, claims: Record<string, unknown> = {}, secret = TEST_USER_TOKEN_SECRET): Promise<string> {
  return sign({ sub, iat: now(), exp: now() + 600, ...claims }, secret, "HS256");
}

function bearer(token: string, extra: Record<string, string> = {}): RequestInit {
  return { headers: { authorization: `Bearer ${token}`, ...extra } };
}

async function createKey(scopes: string[], name = "test backend"): Promise<{ key: string; key_id: string }> {
  const response = await callAnonymous("/v1/admin/keys", {
    method: "POST",
    headers: { authorization: "Bearer test-admin-token", "content-type": "application/json" },
    body: JSON.stringify({ name, scopes }),
  });
  expect(response.status).toBe(201);
  return json(response);
}

function postEvent(userId: string, init: RequestInit, eventId = crypto.randomUUID()): Promise<Response> {
  return callAnonymous("/v1/events", {
    method: "POST",
    headers: { ...(init.headers as Record<string, string>), "content-type": "application/json" },
    body: JSON.stringify({ event_id: eventId, user_id: userId, item_id: "i-drama-01", type: "click" }),
  });
}

/** Every route, with a request that would succeed for the admin key. */
const ROUTES: [string, string, string?][] = [
  ["GET", "/v1/recommendations?user_id=auth-u1&n=3"],
  ["POST", "/v1/events", JSON.stringify({ event_id: "anon-1", user_id: "auth-u1", item_id: "i-drama-01", type: "click" })],
  ["GET", "/v1/items/i-drama-01/similar?n=3"],
  ["PUT", "/v1/items/i-new/status", JSON.stringify({ unsafe: false })],
  ["GET", "/v1/items/i-drama-01/status"],
  ["DELETE", "/v1/items/i-never-existed"],
  ["GET", "/v1/trending?n=3"],
  ["POST", "/v1/trending/flush"],
  ["PUT", "/v1/users/auth-u1/preferences", JSON.stringify({ categories: ["Drama"] })],
  ["GET", "/v1/users/auth-u1/state"],
  ["DELETE", "/v1/users/auth-u1"],
  ["GET", "/v1/admin/index"],
  ["GET", "/v1/admin/keys"],
  ["GET", "/v1/admin/experiments"],
  ["GET", "/v1/admin/users/auth-u1/session"],
  ["GET", "/v1/no-such-route"],
];

beforeAll(async () => {
  await seedFixture();
});

describe("without a credential", () => {
  it("keeps /healthz open", async () => {
    expect((await callAnonymous("/healthz")).status).toBe(200);
  });

  it.each(ROUTES)("refuses %s %s with 401 JSON", async (method, path, body) => {
    const response = await callAnonymous(path, {
      method,
      headers: { "content-type": "application/json", "cf-connecting-ip": "198.51.100.1" },
      body: body ?? null,
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const error = (await json(response)).error;
    expect(error.code).toBe("unauthorized");
    expect(error.message).toMatch(/credential/);
  });

  it.each([
    ["a wrong admin key", "Bearer not-the-admin-token"],
    ["an unknown server key", `Bearer erk_0123456789abcdef_${"A".repeat(43)}`],
    ["a malformed JWT", "Bearer aaa.bbb.ccc"],
    ["a basic credential", "Basic dXNlcjpwYXNz"],
    ["an empty bearer", "Bearer "],
  ])("refuses %s with 401 and never echoes it", async (_, header) => {
    const response = await callAnonymous("/v1/trending", { headers: { authorization: header, "cf-connecting-ip": "198.51.100.2" } });
    expect(response.status).toBe(401);
    const text = await response.text();
    expect(JSON.parse(text).error.code).toBe("unauthorized");
    const secret = header.split(" ")[1];
    if (secret && secret.length > 8) expect(text).not.toContain(secret);
  });
});

describe("the admin key", () => {
  it.each(ROUTES.filter(([, path]) => path !== "/v1/no-such-route"))("may call %s %s", async (method, path, body) => {
    const response = await callAnonymous(
      path,
      bearer("test-admin-token", { "content-type": "application/json" }) && {
        method,
        headers: { authorization: "Bearer test-admin-token", "content-type": "application/json" },
        body: body ?? null,
      },
    );
    expect(response.status).toBeLessThan(300);
  });
});

describe("server keys", () => {
  it("are shown once, stored only as a hash, and listed without secrets", async () => {
    const created = await createKey(["recommendations:read"], "listing test");
    expect(created.key).toMatch(/^erk_[0-9a-f]{16}_/);
    const keys = await env.KV.list({ prefix: "auth:" });
    for (const entry of keys.keys) {
      expect(entry.name).not.toContain(created.key);
      expect(await env.KV.get(entry.name)).not.toContain(created.key.split("_")[2]);
    }
    const listed = await json(await callAnonymous("/v1/admin/keys", bearer("test-admin-token")));
    const mine = listed.keys.find((key: any) => key.key_id === created.key_id);
    expect(mine).toEqual({
      key_id: created.key_id,
      name: "listing test",
      scopes: ["recommendations:read"],
      created_at: expect.any(String),
    });
    expect(JSON.stringify(listed)).not.toContain(created.key);
  });

  it("act for any user within their scopes", async () => {
    const { key } = await createKey(["recommendations:read"]);
    expect((await callAnonymous("/v1/recommendations?user_id=auth-any-1&n=3", bearer(key))).status).toBe(200);
    expect((await callAnonymous("/v1/recommendations?user_id=auth-any-2&n=3", bearer(key))).status).toBe(200);
    const events = await postEvent("auth-any-1", bearer(key));
    expect(events.status).toBe(403);
    expect((await json(events)).error.code).toBe("forbidden");
    const admin = await callAnonymous("/v1/admin/index", bearer(key));
    expect(admin.status).toBe(403);

    const writer = await createKey(["recommendations:read", "events:write"]);
    expect((await postEvent("auth-any-1", bearer(writer.key))).status).toBe(200);
    expect((await callAnonymous("/v1/users/auth-any-2/state", bearer(writer.key))).status).toBe(403);
  });

  it("with the admin scope may administer", async () => {
    const { key } = await createKey(["admin"]);
    expect((await callAnonymous("/v1/admin/index", bearer(key))).status).toBe(200);
  });

  it("stop working when revoked", async () => {
    const { key, key_id } = await createKey(["recommendations:read"]);
    expect((await callAnonymous("/v1/trending", bearer(key))).status).toBe(200);
    const revoked = await callAnonymous(`/v1/admin/keys/${key_id}`, {
      method: "DELETE",
      headers: { authorization: "Bearer test-admin-token" },
    });
    expect(await json(revoked)).toEqual({ key_id, revoked: true });
    const after = await callAnonymous("/v1/trending", bearer(key, { "cf-connecting-ip": "198.51.100.3" }));
    expect(after.status).toBe(401);
    expect(
      (await callAnonymous(`/v1/admin/keys/${key_id}`, { method: "DELETE", headers: { authorization: "Bearer test-admin-token" } })).status,
    ).toBe(404);
  });

  it.each([
    [{ name: "x", scopes: [] }],
    [{ name: "x", scopes: ["superuser"] }],
    [{ name: "", scopes: ["admin"] }],
    [{ scopes: ["admin"] }],
  ])("refuse to be created from %j (400)", async (body) => {
    const response = await callAnonymous("/v1/admin/keys", {
      method: "POST",
      headers: { authorization: "Bearer test-admin-token", "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(400);
    expect((await json(response)).error.code).toBe("invalid_request");
  });
});

describe("user tokens", () => {
  it("act for their own user (HS256)", async () => {
    const token = await userToken("auth-self-1");
    const response = await callAnonymous("/v1/recommendations?user_id=auth-self-1&n=3", bearer(token));
    expect(response.status).toBe(200);
    expect((await postEvent("auth-self-1", bearer(token))).status).toBe(200);
    const preferences = await callAnonymous("/v1/users/auth-self-1/preferences", {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ categories: ["Drama"] }),
    });
    expect(preferences.status).toBe(200);
    expect((await callAnonymous("/v1/trending?n=3", bearer(token))).status).toBe(200);
    expect((await callAnonymous("/v1/items/i-drama-01/similar?n=3", bearer(token))).status).toBe(200);
  });

  it("act for their own user (ES256 from the configured JWKS)", async () => {
    const token = await sign({ sub: "auth-es-1", iat: now(), exp: now() + 600 }, TEST_ES256_PRIVATE_JWK as never);
    expect((await callAnonymous("/v1/recommendations?user_id=auth-es-1&n=3", bearer(token))).status).toBe(200);
    expect((await callAnonymous("/v1/recommendations?user_id=auth-es-2&n=3", bearer(token))).status).toBe(403);
  });

  it.each([
    ["GET", "/v1/recommendations?user_id=auth-victim&n=3", undefined],
    ["PUT", "/v1/users/auth-victim/preferences", JSON.stringify({ categories: ["Horror"], demographics: { gender: "x" } })],
    ["DELETE", "/v1/users/auth-victim", undefined],
  ])("refuse another user's %s %s with 403 forbidden_user", async (method, path, body) => {
    const token = await userToken("auth-attacker");
    const response = await callAnonymous(path, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body ?? null,
    });
    expect(response.status).toBe(403);
    expect((await json(response)).error.code).toBe("forbidden_user");
  });

  it.each([
    ["GET", "/v1/users/auth-self-2/state"],
    ["GET", "/v1/admin/index"],
    ["POST", "/v1/trending/flush"],
    ["PUT", "/v1/items/i-drama-01/status"],
    ["GET", "/v1/admin/keys"],
  ])("cannot call admin route %s %s (403), whatever scope they claim", async (method, path) => {
    const token = await userToken("auth-self-2", { scope: "admin recommendations:read events:write" });
    const response = await callAnonymous(path, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: method === "GET" ? null : "{}",
    });
    expect(response.status).toBe(403);
  });

  it("with only the read scope cannot post events", async () => {
    const token = await userToken("auth-reader", { scope: "recommendations:read" });
    expect((await callAnonymous("/v1/recommendations?user_id=auth-reader&n=3", bearer(token))).status).toBe(200);
    expect((await postEvent("auth-reader", bearer(token))).status).toBe(403);
  });

  it.each([
    ["expired", () => userToken("auth-u", { iat: now() - 1200, exp: now() - 600 })],
    ["without exp", () => sign({ sub: "auth-u", iat: now() }, TEST_USER_TOKEN_SECRET, "HS256")],
    ["living longer than USER_TOKEN_MAX_TTL_SECONDS", () => userToken("auth-u", { exp: now() + 7 * 86400 })],
    ["issued in the future", () => userToken("auth-u", { iat: now() + 3600, exp: now() + 4000 })],
    ["signed with another secret", () => userToken("auth-u", {}, "some-other-secret-0123456789")],
    ["without a usable sub", () => userToken("has space")],
    ["with an empty scope", () => userToken("auth-u", { scope: "admin" })],
    [
      "with alg none",
      async () =>
        `${btoa(JSON.stringify({ alg: "none", typ: "JWT" })).replace(/=+$/, "")}.${btoa(JSON.stringify({ sub: "auth-u", exp: now() + 60 })).replace(/=+$/, "")}.`,
    ],
    ["ES256 with an unknown kid", () => sign({ sub: "auth-u", exp: now() + 60 }, { ...TEST_ES256_PRIVATE_JWK, kid: "other" } as never)],
  ])("are refused when %s (401)", async (_, make) => {
    const token = await make();
    const response = await callAnonymous("/v1/recommendations?user_id=auth-u&n=3", bearer(token, { "cf-connecting-ip": "198.51.100.4" }));
    expect(response.status).toBe(401);
    const text = await response.text();
    expect(JSON.parse(text).error.code).toBe("unauthorized");
    expect(text).not.toContain(token);
  });
});

describe("rate limits", () => {
  it("answer 429 with retry-after to an address after 100 failed authentications in a minute", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 101; i++) {
      const response = await callAnonymous("/v1/trending", {
        headers: { authorization: `Bearer wrong-${i}`, "cf-connecting-ip": "203.0.113.77" },
      });
      statuses.push(response.status);
      if (i === 100) {
        expect(response.headers.get("retry-after")).toBe("60");
        expect((await json(response)).error.code).toBe("rate_limited");
      }
    }
    expect(statuses.slice(0, 100).every((status) => status === 401)).toBe(true);
    expect(statuses[100]).toBe(429);
    const elsewhere = await callAnonymous("/v1/trending", {
      headers: { authorization: "Bearer wrong", "cf-connecting-ip": "203.0.113.78" },
    });
    expect(elsewhere.status).toBe(401);
  });

  it("limit one user token's user to 120 requests a minute", async () => {
    const token = await userToken("auth-busy-user");
    const statuses: number[] = [];
    // 121 requests: through the handler directly, so the loopback's slowdown cannot time the test out.
    for (let i = 0; i < 121; i++) statuses.push((await callHandler("/v1/trending?n=1", bearer(token))).status);
    expect(statuses.slice(0, 120).every((status) => status === 200)).toBe(true);
    expect(statuses[120]).toBe(429);
    const other = await userToken("auth-calm-user");
    expect((await callHandler("/v1/trending?n=1", bearer(other))).status).toBe(200);
  });
});

describe("events for other users", () => {
  it("refuse a user token's batch that carries another user's event (403), storing nothing", async () => {
    const token = await userToken("auth-batch-self");
    const response = await callAnonymous("/v1/events", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        events: [
          { event_id: "mine-1", user_id: "auth-batch-self", item_id: "i-drama-01", type: "click" },
          { event_id: "theirs-1", user_id: "auth-batch-victim", item_id: "i-drama-02", type: "purchase" },
        ],
      }),
    });
    expect(response.status).toBe(403);
    expect((await json(response)).error.code).toBe("forbidden_user");
    expect((await env.USER_SESSION.getByName("auth-batch-self").snapshot()).interactionCount).toBe(0);
    expect((await env.USER_SESSION.getByName("auth-batch-victim").snapshot()).interactionCount).toBe(0);
  });

  it("let a user erase themself, and nobody else", async () => {
    const token = await userToken("auth-erase-me");
    expect((await postEvent("auth-erase-me", bearer(token))).status).toBe(200);
    expect(
      (await callAnonymous("/v1/users/auth-erase-other", { method: "DELETE", headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(403);
    const erased = await callAnonymous("/v1/users/auth-erase-me", { method: "DELETE", headers: { authorization: `Bearer ${token}` } });
    expect(erased.status).toBe(200);
    expect((await env.USER_SESSION.getByName("auth-erase-me").snapshot()).interactionCount).toBe(0);
  });
});

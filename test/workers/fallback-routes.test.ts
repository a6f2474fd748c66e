/**
 * The fallback ladder at the routes: each case sends a real request through the Worker's fetch
 * handler with one binding (or var) of the environment replaced by a failing one — the vector index
 * misconfigured, the session object throwing, KV throwing (entirely, or for one key), the sidecar
 * answering 503 `queue_full` or a score list of the wrong length — and checks the status, the body
 * and the `fallbacks` the client sees (the rungs are shared/fallbacks/fallback-ladder.ts). test/workers/fallback-ladder.test.ts injects the same failures into `recommend()`.
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { kvKeys } from "../../shared/artifacts/kv-keys";
import { FEATURE_SPEC } from "../../shared/features/feature-spec";
import type { LinearRankerModel } from "../../shared/ranking/linear-ranker";
import { DEFAULT_POPULAR } from "../../workers/fallbacks/default-popular";
import worker from "../../workers/index";
import { fanOf, itemId, seedFixture } from "./fixture";
import { ADMIN_TOKEN, json } from "./helpers";

const lightModel: LinearRankerModel = { ...inject("rankerModel"), modelVersion: "light-routes-v1" };

beforeAll(async () => {
  await seedFixture();
  await env.KV.put(kvKeys.lightRanker, JSON.stringify(lightModel));
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Sends a request (as the admin key) to the Worker's fetch handler with `overrides` replacing bindings or vars. */
async function callWith(overrides: Partial<Record<keyof Env, unknown>>, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has("authorization")) headers.set("authorization", `Bearer ${ADMIN_TOKEN}`);
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`http://edge.test${path}`, { ...init, headers }), { ...env, ...overrides } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** A KV namespace every call of which fails, as when KV is unreachable. */
const downKv = new Proxy({}, { get: () => () => Promise.reject(new Error("KV unavailable (injected)")) }) as unknown as KVNamespace;

/** The test's KV, except that reading any of `keys` fails, as when one value cannot be read. */
function kvFailingOn(...keys: string[]): KVNamespace {
  const failing = new Set(keys);
  const kv = env.KV;
  return {
    get: (key: string, options?: unknown) =>
      failing.has(key) ? Promise.reject(new Error(`KV read of ${key} failed (injected)`)) : kv.get(key, options as never),
    getWithMetadata: (key: string, options?: unknown) => kv.getWithMetadata(key, options as never),
    list: (options?: KVNamespaceListOptions) => kv.list(options),
    put: (...args: Parameters<KVNamespace["put"]>) => kv.put(...args),
    delete: (key: string) => kv.delete(key),
  } as unknown as KVNamespace;
}

const rungs = (body: { fallbacks: { stage: string; reason: string; used: string }[] }) =>
  body.fallbacks.map((f) => `${f.stage}:${f.reason}:${f.used}`);
const ids = (body: { items: { item_id: string }[] }) => body.items.map((item) => item.item_id);

describe("vector index down", () => {
  it("answers GET /v1/items/:id/similar from the popular list, without the seed", async () => {
    const seed = itemId(3, 0);
    const response = await callWith({ VECTOR_INDEX_BACKEND: "down" }, `/v1/items/${seed}/similar?n=3`);
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(rungs(body)).toEqual(["candidates:unavailable:popular"]);
    // The fixture's popular list starts Horror 0, 1, 2, Drama 0 …; the seed (Horror 0) is left out.
    expect(body.items.map((item: any) => [item.item_id, item.source])).toEqual([
      [itemId(3, 1), "popular"],
      [itemId(3, 2), "popular"],
      [itemId(2, 0), "popular"],
    ]);
  });

  it("does not touch GET /v1/trending, which serves from KV", async () => {
    const response = await callWith({ VECTOR_INDEX_BACKEND: "down" }, "/v1/trending?n=3");
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.fallbacks).toEqual([]);
    // Nothing trends live in this file: the fixture's trained popular list serves.
    expect(body.items.map((item: any) => [item.item_id, item.source])).toEqual([
      [itemId(3, 0), "popular"],
      [itemId(3, 1), "popular"],
      [itemId(3, 2), "popular"],
    ]);
  });
});

describe("KV down", () => {
  it("answers GET /v1/trending with the list built into the Worker", async () => {
    const response = await callWith({ KV: downKv }, "/v1/trending?n=3");
    expect(response.status).toBe(200);
    const body = await json(response);
    // Neither the live list nor the trained popular list can be read: one entry each.
    expect(rungs(body)).toEqual(["trending:unavailable:popular", "popular:unavailable:built_in_list"]);
    expect(ids(body)).toEqual(DEFAULT_POPULAR.items.slice(0, 3).map((item) => item.itemId));
  });

  it("answers GET /v1/recommendations for a known user with the built-in list, and says why", async () => {
    const response = await callWith({ KV: downKv }, `/v1/recommendations?user_id=${fanOf(0)}&n=3`);
    expect(response.status).toBe(200);
    const body = await json(response);
    // The trained vector cannot be read: one user_vector entry (the user is known, so not also
    // "unknown_user"), and the lists serve; neither the live trending list nor the popular list can
    // be read, so the list built into the Worker serves.
    // The sidecar (nothing listens on the test RANKER_URL) and the light ranker (its model is in KV)
    // both fail, each listed with the ranker that finally served.
    expect(rungs(body)).toEqual([
      "user_vector:unavailable:popular",
      "trending:unavailable:popular",
      "popular:unavailable:built_in_list",
      "ranker:unavailable:retrieval_order",
      "ranker:unavailable:retrieval_order",
    ]);
    expect(body.ranker).toBe("retrieval_order");
    expect(body.items).toHaveLength(3);
    const builtIn = new Set(DEFAULT_POPULAR.items.map((item) => item.itemId));
    for (const id of ids(body)) expect(builtIn.has(id)).toBe(true);
  });
});

// After the KV-down cases: ranking here loads the light model into the isolate's cache, which
// "KV down" expects to be cold (its light ranker must fail to read KV).
describe("vector index down, through the funnel", () => {
  it("answers GET /v1/recommendations?surface=more_like_this from the lists, with one candidates entry", async () => {
    const seed = itemId(3, 0);
    const response = await callWith(
      { VECTOR_INDEX_BACKEND: "down" },
      `/v1/recommendations?user_id=${fanOf(3)}&surface=more_like_this&item_id=${seed}&n=3`,
    );
    expect(response.status).toBe(200);
    const body = await json(response);
    // The seed cannot be read, so the `similar` source gives nothing and the trending list fills the
    // list; the re-rank rules run without embeddings. One entry each, nothing swallowed.
    expect(rungs(body).filter((rung) => !rung.startsWith("ranker:"))).toEqual([
      "candidates:unavailable:popular",
      "rerank:unavailable:rules_without_embeddings",
    ]);
    expect(body.items).toHaveLength(3);
    expect(ids(body)).not.toContain(seed);
    for (const item of body.items) expect(["trending", "popular"]).toContain(item.source);
  });
});

describe("one KV value unreadable", () => {
  it("answers GET /v1/trending from the trained list when the live list cannot be read, and says so", async () => {
    const response = await callWith({ KV: kvFailingOn(kvKeys.trendingAll) }, "/v1/trending?n=3");
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(rungs(body)).toEqual(["trending:unavailable:popular"]);
    expect(body.fallbacks[0].detail).toMatch(/trending:all/);
    expect(body.items.map((item: any) => [item.item_id, item.source])).toEqual([
      [itemId(3, 0), "popular"],
      [itemId(3, 1), "popular"],
      [itemId(3, 2), "popular"],
    ]);
  });

  it("lists the fresh-items list it could not read for exploration instead of swallowing the failure", async () => {
    // n = 10 gives one exploration slot (EXPLORATION_SHARE 0.1), whose pools are trending and fresh.
    const response = await callWith({ KV: kvFailingOn(kvKeys.freshItems) }, `/v1/recommendations?user_id=${fanOf(0)}&n=10`);
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(rungs(body).filter((rung) => !rung.startsWith("ranker:"))).toEqual(["fresh:unavailable:without_fresh_items"]);
    expect(body.items).toHaveLength(10);
  });
});

describe("session object down", () => {
  it("answers POST /v1/events with 503 session_unavailable and retry-after, naming the events", async () => {
    const downSessions = {
      getByName: () => ({ appendEvents: () => Promise.reject(new Error("object overloaded (injected)")) }),
    };
    const response = await callWith({ USER_SESSION: downSessions }, "/v1/events", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        events: [
          { event_id: "down-1", user_id: "down-user", item_id: itemId(0, 1), type: "click" },
          { event_id: "down-2", user_id: "down-user", item_id: itemId(0, 2), type: "like" },
        ],
      }),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
    const body = await json(response);
    expect(body.error.code).toBe("session_unavailable");
    expect(body.error.details).toMatchObject({ accepted: 0, duplicates: 0, failed_event_ids: ["down-1", "down-2"], rejected: [] });
  });

  it("acknowledges the users whose object answered and names only the events of the one that failed", async () => {
    const sessions = env.USER_SESSION;
    const partlyDown = {
      getByName: (name: string) =>
        name === "down-user-2"
          ? { appendEvents: () => Promise.reject(new Error("object overloaded (injected)")) }
          : sessions.getByName(name),
    };
    const response = await callWith({ USER_SESSION: partlyDown }, "/v1/events", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        events: [
          { event_id: "part-1", user_id: "up-user-2", item_id: itemId(0, 1), type: "click" },
          { event_id: "part-2", user_id: "down-user-2", item_id: itemId(0, 2), type: "click" },
        ],
      }),
    });
    expect(response.status).toBe(503);
    const body = await json(response);
    expect(body.error.code).toBe("session_unavailable");
    expect(body.error.details).toMatchObject({ accepted: 1, duplicates: 0, failed_event_ids: ["part-2"], rejected: [] });
  });
});

describe("sidecar answering but failing", () => {
  /**
   * Replaces the global fetch for requests to `baseUrl` (the sidecar) with `answer`, and counts them;
   * every other request goes to the real fetch.
   */
  function fakeSidecar(baseUrl: string, answer: (rows: number) => Response): { calls: () => number } {
    const realFetch = globalThis.fetch;
    let calls = 0;
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const request = new Request(input, init);
      if (!request.url.startsWith(baseUrl)) return realFetch(input, init);
      calls += 1;
      const rows = (await request.arrayBuffer()).byteLength / 4 / FEATURE_SPEC.size;
      return answer(rows);
    });
    return { calls: () => calls };
  }

  it("falls back to the light ranker on 503 queue_full, and the breaker counts it as a failure", async () => {
    // Its own sidecar URL: the circuit breaker is per URL and per isolate.
    const baseUrl = "http://sidecar-queue-full.test";
    const sidecar = fakeSidecar(
      baseUrl,
      () =>
        new Response(JSON.stringify({ error: { code: "queue_full", message: "queue full" } }), {
          status: 503,
          headers: { "content-type": "application/json" },
        }),
    );
    const overrides = { RANKER_URL: baseUrl, RANKER_BREAKER_FAILURES: "2", RANKER_BREAKER_COOLDOWN_MS: "600000" };
    const served = [];
    for (let i = 0; i < 3; i++) {
      const response = await callWith(overrides, `/v1/recommendations?user_id=${fanOf(1)}&n=3`);
      expect(response.status).toBe(200);
      served.push(await json(response));
    }
    expect(served.map((body) => body.ranker)).toEqual(["light", "light", "light"]);
    // Two 503s open the circuit (threshold 2): the third request skips the sidecar.
    expect(served.map(rungs)).toEqual([["ranker:unavailable:light"], ["ranker:unavailable:light"], ["ranker:circuit_open:light"]]);
    expect(served[0].fallbacks[0].detail).toMatch(/503/);
    expect(sidecar.calls()).toBe(2);
  });

  it("falls back to the light ranker on a score list of the wrong length, and the breaker counts it as a failure", async () => {
    const baseUrl = "http://sidecar-wrong-length.test";
    const sidecar = fakeSidecar(baseUrl, (rows) => {
      const scores = new Float32Array(Math.max(rows - 1, 0)).fill(0.5);
      return new Response(scores.buffer, { status: 200, headers: { "content-type": "application/octet-stream" } });
    });
    const overrides = { RANKER_URL: baseUrl, RANKER_BREAKER_FAILURES: "2", RANKER_BREAKER_COOLDOWN_MS: "600000" };
    const served = [];
    for (let i = 0; i < 4; i++) {
      const response = await callWith(overrides, `/v1/recommendations?user_id=${fanOf(2)}&n=3`);
      expect(response.status).toBe(200);
      served.push(await json(response));
    }
    expect(served.map((body) => body.ranker)).toEqual(["light", "light", "light", "light"]);
    // A malformed 200 is the sidecar's fault: two of them open the circuit (threshold 2), and later
    // requests skip the broken sidecar instead of paying a round trip each.
    expect(served.map(rungs)).toEqual([
      ["ranker:unavailable:light"],
      ["ranker:unavailable:light"],
      ["ranker:circuit_open:light"],
      ["ranker:circuit_open:light"],
    ]);
    expect(served[0].fallbacks[0].detail).toMatch(/malformed score list/);
    expect(sidecar.calls()).toBe(2);
  });
});

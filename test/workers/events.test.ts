/** POST /v1/events: per-event validation, idempotency, batch limits, bad input → 4xx JSON. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, json, postJson } from "./helpers";

describe("POST /v1/events", () => {
  it("stores a single event in the user's session", async () => {
    const response = await postJson("/v1/events", { event_id: "ev-1", user_id: "u-events-1", item_id: "i9", type: "click" });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const snapshot = await env.USER_SESSION.getByName("u-events-1").snapshot();
    expect(snapshot.recent.map((r) => r.itemId)).toEqual(["i9"]);
  });

  it("accepts the valid events of a batch and says why each other one was rejected", async () => {
    const response = await postJson("/v1/events", {
      events: [
        { event_id: "b-1", user_id: "u-events-2", item_id: "i1", type: "view" },
        { event_id: "b-2", user_id: "u-events-2", item_id: "i2", type: "teleport" },
        { event_id: "b-3", user_id: "u-events-3", item_id: "i3", type: "like", ts: 12 },
        { event_id: "b-4", user_id: "u-events-3", item_id: "i4", type: "like" },
      ],
    });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((r: any) => [r.index, r.event_id, r.error.code])).toEqual([
      [1, "b-2", "invalid_event"],
      [2, "b-3", "invalid_event"],
    ]);
    expect(body.rejected[0].error.message).toMatch(/^type:/);
  });

  it("accepts a replayed event_id once", async () => {
    const ev = { event_id: "dup-1", user_id: "u-events-4", item_id: "i1", type: "like" };
    await postJson("/v1/events", ev);
    const again = await json(await postJson("/v1/events", ev));
    expect(again).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
    expect((await env.USER_SESSION.getByName("u-events-4").snapshot()).interactionCount).toBe(1);
  });

  it.each([
    ["malformed JSON", "{not json", 400, "invalid_json"],
    ["an empty batch", JSON.stringify({ events: [] }), 400, "invalid_request"],
    ["only invalid events", JSON.stringify({ events: [{ user_id: "x" }] }), 400, "invalid_request"],
    ["a bad user id", JSON.stringify({ event_id: "x", user_id: "has space", item_id: "i", type: "click" }), 400, "invalid_request"],
    [
      "too many events",
      JSON.stringify({ events: Array.from({ length: 501 }, (_, i) => ({ event_id: `e${i}` })) }),
      413,
      "payload_too_large",
    ],
  ])("answers %s with a 4xx JSON error", async (_, body, status, code) => {
    const response = await call("/v1/events", { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(response.status).toBe(status);
    expect((await json(response)).error.code).toBe(code);
  });
});

/**
 * Erasure, end to end in workerd: `DELETE /v1/users/:id` deletes the trained KV record and the
 * session (no storage left), and writes a tombstone to the event log so training forgets the
 * user's logged events; repeating it is safe and moves the tombstone forward.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { UserSession } from "../../durable-objects/user-session";
import { kvKeys } from "../../shared/artifacts/kv-keys";
import { erasureTombstoneSchema, tombstoneKey } from "../../shared/events/erasure-tombstone";
import { itemId, seedFixture } from "./fixture";
import { call, json, postJson } from "./helpers";

beforeAll(seedFixture);

describe("DELETE /v1/users/:id", () => {
  it("deletes the KV record and the session, and leaves a tombstone in the event log", async () => {
    const user = "erase-me";
    await env.KV.put(
      kvKeys.user(user),
      JSON.stringify({ vector: [1, 0, 0, 0], history: [itemId(0, 1)], activity: 1, modelVersion: "fixture-v1" }),
    );
    const posted = await postJson("/v1/events", { event_id: "erase-1", user_id: user, item_id: itemId(0, 1), type: "like" });
    expect(posted.status).toBe(200);
    const before = Date.now();

    const response = await call(`/v1/users/${user}`, { method: "DELETE" });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body).toMatchObject({
      user_id: user,
      tombstone: tombstoneKey(user),
      erased: { tombstone: true, user_record: true, session: true },
    });

    expect(await env.KV.get(kvKeys.user(user))).toBeNull();
    const tombstone = erasureTombstoneSchema.parse(await (await env.EVENT_LOG.get(tombstoneKey(user)))!.json());
    expect(tombstone.user_id).toBe(user);
    expect(tombstone.erased_at).toBeGreaterThanOrEqual(before);
    expect(new Date(body.erased_at).getTime()).toBe(tombstone.erased_at);

    const state = await env.USER_SESSION.getByName(user).inspect();
    expect(state.counts).toEqual({ events: 0, pendingEvents: 0, items: 0, hidden: 0, exposures: 0, cachedVectors: 0, eventIds: 0 });
    expect(state.retention.alarm).toBeNull();
    const tables = await runInDurableObject(env.USER_SESSION.getByName(user), (_: UserSession, s) =>
      s.storage.sql
        .exec<{ name: string }>(
          `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'`,
        )
        .toArray(),
    );
    expect(tables).toEqual([]);
    // The erased user's recommendations no longer use the trained record.
    const served = await json(await call(`/v1/recommendations?user_id=${user}&n=3`));
    expect(served.fallbacks).toContainEqual(expect.objectContaining({ stage: "user_vector", reason: "unknown_user" }));
  });

  it("is safe to repeat: the tombstone keeps the later erasure", async () => {
    const user = "erase-twice";
    const first = await call(`/v1/users/${user}`, { method: "DELETE" });
    const second = await call(`/v1/users/${user}`, { method: "DELETE" });
    expect([first.status, second.status]).toEqual([200, 200]);
    const [a, b] = [await json(first), await json(second)];
    expect(new Date(b.erased_at).getTime()).toBeGreaterThanOrEqual(new Date(a.erased_at).getTime());
    const tombstone = await (await env.EVENT_LOG.get(tombstoneKey(user)))!.json<{ erased_at: number }>();
    expect(tombstone.erased_at).toBe(new Date(b.erased_at).getTime());
  });
});

/**
 * Bounded storage for strangers, in workerd: a request for a user id with no state creates no
 * lasting storage. Reading an object that was never written creates nothing; the served items
 * (exposures) recorded for a user with no events or preferences are deleted by an alarm
 * STRANGER_RETENTION_HOURS after the last exposure; a user who posts an event keeps their state
 * under the normal USER_RETENTION_DAYS retention.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { UserSession } from "../../durable-objects/user-session";
import { DAY_MS } from "../../shared/realtime/decay-factor";
import { USER_SESSION_LIMITS } from "../../shared/session/user-session-limits";
import { seedFixture } from "./fixture";
import { call, json, postJson } from "./helpers";

beforeAll(seedFixture);

const HOUR_MS = 3_600_000;

/** The object's own tables (SQLite and workerd internals excluded), its alarm and database size. */
async function storageOf(userId: string): Promise<{ tables: string[]; alarm: number | null; bytes: number }> {
  return runInDurableObject(env.USER_SESSION.getByName(userId), async (_: UserSession, state) => ({
    tables: state.storage.sql
      .exec<{ name: string }>(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name`,
      )
      .toArray()
      .map((row) => row.name),
    alarm: await state.storage.getAlarm(),
    bytes: state.storage.sql.databaseSize,
  }));
}

async function recommendAndWaitForExposures(userId: string): Promise<any> {
  const response = await call(`/v1/recommendations?user_id=${userId}&n=5`);
  expect(response.status).toBe(200);
  const body = await json(response);
  await vi.waitFor(async () => expect((await env.USER_SESSION.getByName(userId).inspect()).counts.exposures).toBe(body.items.length), {
    timeout: 10_000,
    interval: 50,
  });
  return body;
}

/** Moves the object's recorded exposures `ms` into the past (as if that much time had passed). */
async function ageExposures(userId: string, ms: number): Promise<void> {
  await runInDurableObject(env.USER_SESSION.getByName(userId), (_: UserSession, state) => {
    state.storage.sql.exec(`UPDATE exposures SET ts = ts - ?`, ms);
  });
}

describe("storage for users with no state", () => {
  it("creates nothing when an object that was never written is read", async () => {
    const stub = env.USER_SESSION.getByName("stranger-read-only");
    const snapshot = await stub.snapshot({ shownLimit: 10 });
    expect(snapshot).toMatchObject({ recent: [], seen: [], hidden: [], interactionCount: 0, shown: [] });
    expect((await stub.inspect()).counts.events).toBe(0);
    const storage = await storageOf("stranger-read-only");
    expect(storage.tables).toEqual([]);
    expect(storage.alarm).toBeNull();
  });

  it("deletes what was served to a made-up user id once STRANGER_RETENTION_HOURS pass without events", async () => {
    const user = "stranger-made-up-1";
    const body = await recommendAndWaitForExposures(user);
    expect(body.items.length).toBeGreaterThan(0);
    const stored = await storageOf(user);
    expect(stored.tables).toContain("exposures");
    expect(stored.alarm).not.toBeNull();
    expect(stored.alarm! - Date.now()).toBeLessThanOrEqual(USER_SESSION_LIMITS.strangerRetentionHours * HOUR_MS);
    expect(stored.alarm! - Date.now()).toBeGreaterThan(USER_SESSION_LIMITS.strangerRetentionHours * HOUR_MS - 10 * 60_000);

    // Fired while the last exposure is recent, the alarm only moves.
    expect(await runDurableObjectAlarm(env.USER_SESSION.getByName(user))).toBe(true);
    expect((await storageOf(user)).tables).toContain("exposures");

    await ageExposures(user, USER_SESSION_LIMITS.strangerRetentionHours * HOUR_MS + 1);
    expect(await runDurableObjectAlarm(env.USER_SESSION.getByName(user))).toBe(true);
    const after = await storageOf(user);
    expect(after.tables).toEqual([]);
    expect(after.alarm).toBeNull();
    expect(after.bytes).toBeLessThan(stored.bytes);
    const state = await env.USER_SESSION.getByName(user).inspect();
    expect(state.counts).toEqual({ events: 0, pendingEvents: 0, items: 0, hidden: 0, exposures: 0, cachedVectors: 0, eventIds: 0 });
    expect((await storageOf(user)).tables).toEqual([]);
  });

  it("keeps the state of a user who posted an event, under the normal retention", async () => {
    const user = "stranger-turned-user";
    const served = await recommendAndWaitForExposures(user);
    const posted = await postJson("/v1/events", {
      event_id: "turned-1",
      user_id: user,
      item_id: served.items[0].item_id,
      type: "click",
      request_id: served.request_id,
    });
    expect(posted.status).toBe(200);

    await ageExposures(user, USER_SESSION_LIMITS.strangerRetentionHours * HOUR_MS + 1);
    expect(await runDurableObjectAlarm(env.USER_SESSION.getByName(user))).toBe(true);
    const state = await env.USER_SESSION.getByName(user).inspect();
    expect(state.counts.events).toBe(1);
    expect(state.recent.map((r) => r.itemId)).toEqual([served.items[0].item_id]);
    expect(state.retention.alarm).toBe(state.retention.lastActivity! + USER_SESSION_LIMITS.retentionDays * DAY_MS);
  });

  it("keeps the state of a user who gave onboarding preferences", async () => {
    const user = "stranger-onboarded";
    await recommendAndWaitForExposures(user);
    const response = await call(`/v1/users/${user}/preferences`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ categories: ["Drama"] }),
    });
    expect(response.status).toBe(200);
    await ageExposures(user, USER_SESSION_LIMITS.strangerRetentionHours * HOUR_MS + 1);
    expect(await runDurableObjectAlarm(env.USER_SESSION.getByName(user))).toBe(true);
    expect((await env.USER_SESSION.getByName(user).inspect()).profile?.categories).toEqual(["Drama"]);
  });
});

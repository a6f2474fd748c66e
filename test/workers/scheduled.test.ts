/**
 * The Worker's Cron Triggers, in workerd: the `scheduled` handler dispatches by `controller.cron`.
 * The trending refresh publishes decayed live lists with no events and no shard alarm; the nightly
 * digest job writes digests only for opted-in users, at most its batch bound per invocation,
 * continues at its cursor in the next one, rebuilds a batch whose invocation died and never serves a
 * written batch twice; an unknown expression is ignored. The opt-in admin routes validate their input.
 */
import {
  createExecutionContext,
  createScheduledController,
  runDurableObjectAlarm,
  runInDurableObject,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { kvKeys, type PopularList } from "../../shared/artifacts/kv-keys";
import { DIGEST_SUBSCRIPTIONS_NAME } from "../../shared/digests/digest-subscriptions-contract";
import { shardForKey } from "../../shared/realtime/shard-for-key";
import { TRENDING_AGGREGATOR_NAME, trendingConfigFor, trendingShardName } from "../../workers/config/trending-config";
import worker from "../../workers/index";
import { fanOf, itemId, seedFixture } from "./fixture";
import { call, callAnonymous, json, postJson } from "./helpers";

const TRENDING_CRON = "*/5 * * * *";
const DIGEST_CRON = "* 2-5 * * *";
const MINUTE = 60_000;

beforeAll(seedFixture);

/** Every structured log line written while a test runs (console.log, warn and error), parsed. */
let logLines: Record<string, any>[] = [];

beforeEach(() => {
  logLines = [];
  for (const method of ["log", "warn", "error"] as const) {
    vi.spyOn(console, method).mockImplementation((line: unknown) => {
      if (typeof line !== "string") return;
      try {
        logLines.push(JSON.parse(line));
      } catch {
        // not one of ours
      }
    });
  }
});

afterEach(() => vi.restoreAllMocks());

/** Runs the Worker's scheduled handler as the Cron Trigger `cron` firing at `scheduledTime`, and waits for its background work. */
async function runCron(cron: string, scheduledTime: number, environment: Env = env): Promise<void> {
  const controller = createScheduledController({ cron, scheduledTime });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, environment, ctx);
  await waitOnExecutionContext(ctx);
}

/** The summary lines (`scheduled_job_done`) logged so far. */
const summaries = () => logLines.filter((line) => line.event === "scheduled_job_done");

function trendingObjects() {
  const { shards } = trendingConfigFor(env);
  return [
    ...Array.from({ length: shards }, (_, shard) => env.TRENDING_SHARD.getByName(trendingShardName(shard))),
    env.TRENDING_AGGREGATOR.getByName(TRENDING_AGGREGATOR_NAME),
  ];
}

/** Empties every table of a Durable Object (its schema stays) and cancels its alarm. */
async function emptyObject(stub: DurableObjectStub): Promise<void> {
  await runInDurableObject(stub, async (_instance, state) => {
    await state.storage.deleteAlarm();
    const tables = state.storage.sql
      .exec<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'`)
      .toArray();
    for (const { name } of tables) state.storage.sql.exec(`DELETE FROM "${name}"`);
  });
}

const subscriptions = () => env.DIGEST_SUBSCRIPTIONS.getByName(DIGEST_SUBSCRIPTIONS_NAME);

afterAll(async () => {
  // Alarms outlive a test file's storage: run whatever is still scheduled.
  for (const stub of trendingObjects()) await runDurableObjectAlarm(stub);
});

describe("trending refresh (*/5 * * * *)", () => {
  beforeEach(async () => {
    for (const stub of trendingObjects()) await emptyObject(stub);
    const published = await env.KV.list({ prefix: "trending:" });
    await Promise.all(published.keys.map((key) => env.KV.delete(key.name)));
  });

  it("publishes the live lists with no events and no shard alarm, decayed to the refresh", { timeout: 30_000 }, async () => {
    const { shards } = trendingConfigFor(env);
    const dayOld = itemId(1, 5);
    const tenDaysOld = itemId(2, 7);
    const now = Date.now();
    for (const [item, ts] of [
      [dayOld, now - 24 * 3_600_000],
      [tenDaysOld, now - 10 * 24 * 3_600_000],
    ] as const) {
      const shard = env.TRENDING_SHARD.getByName(trendingShardName(shardForKey(item, shards)));
      await shard.record([{ itemId: item, weight: 8, ts }]);
      // record() scheduled the shard's own flush (an hour away in tests): cancel it, so only the cron publishes.
      await runInDurableObject(shard, (_instance, state) => state.storage.deleteAlarm());
    }
    expect(await env.KV.get(kvKeys.trendingAll)).toBeNull();

    await runCron(TRENDING_CRON, now);
    const first = (await env.KV.get<PopularList>(kvKeys.trendingAll, "json"))!;
    // Half-life 24 h: 8 a day ago counts 4 now; 8 ten days ago counts 8/1024 < 0.01, so it is dropped.
    expect(first.items.map((item) => item.itemId)).toEqual([dayOld]);
    expect(first.items[0]!.score).toBeCloseTo(4, 2);
    expect(summaries()).toEqual([
      expect.objectContaining({ job: "trending_refresh", cron: TRENDING_CRON, shards_flushed: shards, shards_failed: 0, items: 1 }),
    ]);

    const served = await json(await call("/v1/trending?n=1"));
    expect(served.items).toEqual([expect.objectContaining({ item_id: dayOld, source: "trending" })]);

    // Still no events: the next refresh republishes anyway, with a later time.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await runCron(TRENDING_CRON, Date.now());
    const second = (await env.KV.get<PopularList>(kvKeys.trendingAll, "json"))!;
    expect(Date.parse(second.generatedAt)).toBeGreaterThan(Date.parse(first.generatedAt));
    expect(second.items.map((item) => item.itemId)).toEqual([dayOld]);
  });
});

/** The digest lines of the night `date`, by object (batch) key; the manifest apart. */
async function digestObjects(date: string) {
  const listed = await env.EVENT_LOG.list({ prefix: `digests/dt=${date}/`, include: ["customMetadata"] });
  const batches: { key: string; users: string[]; lines: any[]; metadata: Record<string, string> | undefined }[] = [];
  let manifest: any = null;
  for (const object of listed.objects) {
    const text = await (await env.EVENT_LOG.get(object.key))!.text();
    if (object.key.endsWith("/manifest.json")) {
      manifest = JSON.parse(text);
      continue;
    }
    const lines = text
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    batches.push({ key: object.key, users: lines.map((line) => line.user_id), lines, metadata: object.customMetadata });
  }
  return { batches: batches.sort((a, b) => (a.key < b.key ? -1 : 1)), manifest };
}

/** `env` with the digest job's bounds set. */
const withDigestBounds = (batchUsers: number, batchesPerRun: number): Env => ({
  ...env,
  DIGEST_BATCH_USERS: String(batchUsers),
  DIGEST_BATCHES_PER_RUN: String(batchesPerRun),
});

async function optIn(userIds: string[]): Promise<void> {
  const response = await postJson("/v1/admin/digests/opt-ins", { user_ids: userIds });
  expect(response.status).toBe(200);
}

describe("nightly email digests (* 2-5 * * *)", () => {
  beforeEach(() => emptyObject(subscriptions()));

  it("writes digests only for opted-in users, at most its bound per invocation, and resumes at its cursor", {
    timeout: 60_000,
  }, async () => {
    // Ids sort as dg-a < dg-b < dg-c < fan-action < fan-comedy; fan-drama has a trained vector too but did not opt in.
    await optIn(["fan-comedy", "dg-b", "dg-a", fanOf(0), "dg-c"]);
    const night = Date.UTC(2026, 5, 1, 2, 0);
    const bounded = withDigestBounds(2, 2);

    await runCron(DIGEST_CRON, night, bounded);
    let written = await digestObjects("2026-06-01");
    expect(written.batches.map((batch) => [batch.key, batch.users])).toEqual([
      ["digests/dt=2026-06-01/00001.ndjson", ["dg-a", "dg-b"]],
      ["digests/dt=2026-06-01/00002.ndjson", ["dg-c", "fan-action"]],
    ]);
    expect(written.manifest).toBeNull();
    expect(summaries().at(-1)).toMatchObject({
      job: "email_digests",
      date: "2026-06-01",
      batches: 2,
      users: 4,
      digests: 4,
      run: "in_progress",
    });

    const fanAction = written.batches[1]!.lines[1];
    expect(fanAction.items.length).toBeGreaterThan(0);
    expect(fanAction.items[0].category).toBe("Action");
    expect(fanAction.request_id).toMatch(/^digest-2026-06-01-b2-a1:fan-action$/);

    await runCron(DIGEST_CRON, night + MINUTE, bounded);
    written = await digestObjects("2026-06-01");
    expect(written.batches.map((batch) => batch.users)).toEqual([["dg-a", "dg-b"], ["dg-c", "fan-action"], ["fan-comedy"]]);
    expect(written.batches[2]!.lines[0].items[0].category).toBe("Comedy");
    expect(written.manifest).toMatchObject({ date: "2026-06-01", batches: 3, users: 5, digests: 5, failed: 0 });
    expect(summaries().at(-1)).toMatchObject({ batches: 1, users: 1, run: "finished" });

    const everyone = written.batches.flatMap((batch) => batch.users);
    expect(everyone).not.toContain(fanOf(2));
    expect(new Set(everyone).size).toBe(everyone.length);

    // The night is done: later invocations in the window write nothing more.
    await runCron(DIGEST_CRON, night + 2 * MINUTE, bounded);
    expect((await digestObjects("2026-06-01")).batches).toHaveLength(3);
    expect(summaries().at(-1)).toMatchObject({ batches: 0, run: "finished" });

    // The next night starts again from the top of the list.
    await runCron(DIGEST_CRON, night + 24 * 60 * MINUTE, withDigestBounds(10, 1));
    expect((await digestObjects("2026-06-02")).batches.map((batch) => batch.users)).toEqual([
      ["dg-a", "dg-b", "dg-c", "fan-action", "fan-comedy"],
    ]);
  });

  it("rebuilds a batch whose invocation died once its lease ends, and never serves a written batch twice", {
    timeout: 60_000,
  }, async () => {
    await optIn(["dl-a", "dl-b", "dl-c"]);
    const night = Date.UTC(2026, 5, 3, 2, 0);
    const date = "2026-06-03";
    const leaseMs = 10 * MINUTE;
    // An invocation claimed batch 1 (dl-a) and died before writing it.
    expect(await subscriptions().claimBatch({ date, batchUsers: 1, now: night, leaseMs })).toMatchObject({ batch: 1, userIds: ["dl-a"] });
    // Another claimed batch 2 (dl-b), wrote its object and died before completing it.
    expect(await subscriptions().claimBatch({ date, batchUsers: 1, now: night + 1000, leaseMs })).toMatchObject({
      batch: 2,
      userIds: ["dl-b"],
    });
    await env.EVENT_LOG.put("digests/dt=2026-06-03/00002.ndjson", '{"user_id":"dl-b","written":"earlier"}\n', {
      customMetadata: { digests: "1", failed: "0", attempt: "1" },
    });

    const bounded = withDigestBounds(1, 5);
    await runCron(DIGEST_CRON, night + MINUTE, bounded);
    expect(summaries().at(-1)).toMatchObject({ batches: 1, users: 1, run: "busy" });
    // Batch 3 is new; batch 1 (dl-a) is still leased to the invocation that died, so nothing is written for it yet.
    expect((await digestObjects(date)).batches.map((batch) => batch.users)).toEqual([["dl-b"], ["dl-c"]]);

    await runCron(DIGEST_CRON, night + 11 * MINUTE, bounded);
    expect(summaries().at(-1)).toMatchObject({ batches: 2, run: "finished" });
    const written = await digestObjects(date);
    expect(written.batches.map((batch) => [batch.users, batch.metadata?.attempt])).toEqual([
      [["dl-a"], "2"],
      [["dl-b"], "1"],
      [["dl-c"], "1"],
    ]);
    expect(written.batches[1]!.lines).toEqual([{ user_id: "dl-b", written: "earlier" }]);
    expect(written.manifest).toMatchObject({ batches: 3, users: 3, digests: 3, failed: 0 });

    // What the digests served is recorded as shown (exposures count items): dl-a's one digest; nothing
    // for dl-b, whose digest the invocation that died had written — it was not served again.
    const dlA = written.batches[0]!.lines[0];
    expect(dlA.items.length).toBeGreaterThan(0);
    expect((await env.USER_SESSION.getByName("dl-a").inspect()).counts.exposures).toBe(dlA.items.length);
    expect((await env.USER_SESSION.getByName("dl-b").inspect()).counts.exposures).toBe(0);
  });
});

describe("scheduled dispatch", () => {
  it("logs and ignores a cron expression it does not know", async () => {
    await emptyObject(subscriptions());
    await optIn(["unknown-cron-user"]);
    const at = Date.UTC(2026, 5, 5, 3, 0);
    await runCron("13 13 * * *", at);
    expect(summaries()).toEqual([]);
    expect(logLines).toContainEqual(
      expect.objectContaining({ level: "warn", event: "scheduled_unknown_cron", cron: "13 13 * * *", known: [TRENDING_CRON, DIGEST_CRON] }),
    );
    expect((await env.EVENT_LOG.list({ prefix: "digests/dt=2026-06-05/" })).objects).toEqual([]);
    expect(await subscriptions().runSummary("2026-06-05")).toBeNull();
  });
});

describe("/v1/admin/digests/opt-ins", () => {
  beforeEach(() => emptyObject(subscriptions()));
  const path = "/v1/admin/digests/opt-ins";

  it("adds, lists page by page and removes users", async () => {
    expect(await json(await postJson(path, { user_ids: ["ob", "oa", "oa"] }))).toEqual({ added: 2, total: 2 });
    expect(await json(await postJson(path, { user_ids: ["oa"] }))).toEqual({ added: 0, total: 2 });
    expect(await json(await call(`${path}?limit=1`))).toEqual({ user_ids: ["oa"], cursor: "oa", total: 2 });
    expect(await json(await call(`${path}?after=oa&limit=1`))).toEqual({ user_ids: ["ob"], cursor: null, total: 2 });
    expect(await json(await postJson(`${path}/delete`, { user_ids: ["oa", "never-in"] }))).toEqual({ removed: 1, total: 1 });
    expect(await json(await call(path))).toEqual({ user_ids: ["ob"], cursor: null, total: 1 });
  });

  it.each([
    ["no user_ids", {}, "invalid_request", "user_ids"],
    ["an empty list", { user_ids: [] }, "invalid_request", "user_ids"],
    ["an id too long", { user_ids: ["u".repeat(65)] }, "invalid_request", "user_ids.0"],
    ["an id with a slash", { user_ids: ["a/b"] }, "invalid_request", "user_ids.0"],
    ["more than 1000 ids", { user_ids: Array.from({ length: 1001 }, (_, i) => `u${i}`) }, "invalid_request", "user_ids"],
    ["an unknown key", { user_ids: ["a"], email: "a@example.com" }, "invalid_request", ""],
    ["ids that are not strings", { user_ids: [42] }, "invalid_request", "user_ids.0"],
  ])("refuses a body with %s: 400 with a code", async (_case, body, code, field) => {
    for (const target of [path, `${path}/delete`]) {
      const response = await postJson(target, body);
      expect(response.status).toBe(400);
      const error = (await json(response)).error;
      expect(error.code).toBe(code);
      expect(error.message).toContain(field);
    }
    expect((await json(await call(path))).total).toBe(0);
  });

  it("refuses bodies that are not JSON or too large, bad list queries and callers without the admin key", async () => {
    const notJson = await call(path, { method: "POST", headers: { "content-type": "application/json" }, body: "{user_ids:" });
    expect(notJson.status).toBe(400);
    expect((await json(notJson)).error.code).toBe("invalid_json");

    const tooLarge = await postJson(path, { user_ids: ["a"], padding: "x".repeat(200 * 1024) });
    expect(tooLarge.status).toBe(413);
    expect((await json(tooLarge)).error.code).toBe("payload_too_large");

    for (const query of ["limit=0", "limit=1001", "limit=ten", "after=a%2Fb"]) {
      const response = await call(`${path}?${query}`);
      expect(response.status, query).toBe(400);
      expect((await json(response)).error.code).toBe("invalid_request");
    }

    const anonymous = await callAnonymous(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user_ids: ["a"] }),
    });
    expect(anonymous.status).toBe(401);
    expect((await json(anonymous)).error.code).toBe("unauthorized");
    expect((await json(await call(path))).total).toBe(0);
  });

  it("takes an erased user off the list", async () => {
    await optIn(["erased-digest-user", "kept-digest-user"]);
    const erased = await call("/v1/users/erased-digest-user", { method: "DELETE" });
    expect(erased.status).toBe(200);
    expect((await json(erased)).erased).toMatchObject({ digest_opt_in: true });
    expect((await json(await call(path))).user_ids).toEqual(["kept-digest-user"]);
  });
});

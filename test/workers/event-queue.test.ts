/**
 * The event queue, in workerd (Queues simulated by miniflare): what `POST /v1/events` enqueues
 * reaches the R2 lake through the consumer with nothing lost; the consumer writes one object per
 * hour partition of a batch, acknowledges what it wrote, retries what it could not write or read,
 * counts trending credits once per batch, and archives dead letters; a message nobody can read
 * ends in the dead-letter queue; the queue sink packs and shards by user.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { EVENT_MESSAGE_VERSION, type EventQueueMessage } from "../../shared/events/event-queue-message";
import { shardForKey } from "../../shared/realtime/shard-for-key";
import { createQueueEventLogSink } from "../../workers/event-log/queue-event-log-sink";
import { consumeEventQueue } from "../../workers/events/consume-event-queue";
import { silentLogger } from "../../workers/logger/logger";
import { lakeObjects, waitForLakeEvents } from "./event-lake";
import { itemId, seedFixture } from "./fixture";
import { json, postJson } from "./helpers";
import { shardScore, waitForTrendingScores } from "./trending-wait";

beforeAll(seedFixture);

const message = (id: string, body: unknown) => ({ id, timestamp: new Date(), attempts: 1, body });

const eventMessage = (
  requestId: string,
  receivedAt: number,
  eventIds: string[],
  trending: EventQueueMessage["trending"] = [],
): EventQueueMessage => ({
  v: EVENT_MESSAGE_VERSION,
  received_at: receivedAt,
  request_id: requestId,
  events: eventIds.map((eventId) => ({ event_id: eventId, user_id: `user-${eventId}`, item_id: "i1", type: "view", ts: receivedAt - 10 })),
  trending,
});

/** Runs the consumer on `messages` as one batch of `queue`; returns which were acknowledged and retried. */
async function consume(queue: string, messages: ReturnType<typeof message>[], environment: Env = env) {
  const batch = createMessageBatch(queue, messages);
  const ctx = createExecutionContext();
  await consumeEventQueue(batch, environment, silentLogger);
  const result = await getQueueResult(batch, ctx);
  return { acked: [...result.explicitAcks].sort(), retried: result.retryMessages.map((m: { msgId: string }) => m.msgId).sort() };
}

describe("the consumer", () => {
  it("writes one object per hour partition, acknowledges those messages and retries the unreadable one", async () => {
    const hourA = Date.UTC(2026, 5, 1, 10, 5);
    const hourB = Date.UTC(2026, 5, 1, 11, 40);
    const result = await consume("edge-recs-events", [
      message("m1", eventMessage("req-c1", hourA, ["c1-a", "c1-b"])),
      message("m2", eventMessage("req-c2", hourA + 60_000, ["c2-a"])),
      message("m3", eventMessage("req-c3", hourB, ["c3-a"])),
      message("m4", { v: 99, events: "not a list" }),
    ]);
    expect(result).toEqual({ acked: ["m1", "m2", "m3"], retried: ["m4"] });

    const objects = (await lakeObjects("events/dt=2026-06-01/")).filter((object) => /c[123]-/.test(object.events[0]?.event_id ?? ""));
    expect(objects.map((object) => object.key.split("/").slice(1, 3).join("/")).sort()).toEqual([
      "dt=2026-06-01/hour=10",
      "dt=2026-06-01/hour=11",
    ]);
    const hour10 = objects.find((object) => object.key.includes("hour=10"))!;
    expect(hour10.events.map((event) => event.event_id)).toEqual(["c1-a", "c1-b", "c2-a"]);
    expect(hour10.key).toContain(`/${hourA}-`);
    expect(hour10.customMetadata).toMatchObject({ request_id: "req-c1,req-c2", events: "3" });
  });

  it("retries every message of a partition it cannot write, and acknowledges nothing of it", async () => {
    const broken = { ...env, EVENT_LOG: { put: () => Promise.reject(new Error("R2 down (injected)")) } as unknown as R2Bucket };
    const at = Date.UTC(2026, 5, 2, 9);
    const result = await consume(
      "edge-recs-events",
      [message("w1", eventMessage("req-w1", at, ["w1-a"])), message("w2", eventMessage("req-w2", at, ["w2-a"]))],
      broken,
    );
    expect(result).toEqual({ acked: [], retried: ["w1", "w2"] });
  });

  it("counts the batch's trending credits summed per item, only for messages it wrote", async () => {
    const item = itemId(2, 3);
    const before = await shardScore(item);
    const now = Date.now();
    await consume("edge-recs-events", [
      message("t1", eventMessage("req-t1", now, ["t1-a"], [{ itemId: item, weight: 4, ts: now }])),
      message("t2", eventMessage("req-t2", now, ["t2-a"], [{ itemId: item, weight: 1, ts: now }])),
    ]);
    expect((await shardScore(item)) - before).toBeCloseTo(5, 2);

    const broken = { ...env, EVENT_LOG: { put: () => Promise.reject(new Error("R2 down (injected)")) } as unknown as R2Bucket };
    await consume(
      "edge-recs-events",
      [message("t3", eventMessage("req-t3", now, ["t3-a"], [{ itemId: item, weight: 7, ts: now }]))],
      broken,
    );
    expect((await shardScore(item)) - before).toBeCloseTo(5, 2);
  });

  it("archives dead letters under dead-letter/ and acknowledges them", async () => {
    const result = await consume("edge-recs-events-dlq", [message("d1", { poisoned: "archive-me" })]);
    expect(result).toEqual({ acked: ["d1"], retried: [] });
    const archived = await archivedDeadLetters();
    expect(archived.some((letter) => letter.message_id === "d1" && letter.body.poisoned === "archive-me")).toBe(true);
  });
});

async function archivedDeadLetters(): Promise<any[]> {
  const listed = await env.EVENT_LOG.list({ prefix: "dead-letter/" });
  return Promise.all(listed.objects.map(async (object) => (await env.EVENT_LOG.get(object.key))!.json()));
}

describe("through the simulated queue", () => {
  it("logs every acknowledged event of concurrent requests, none lost", async () => {
    const requests = Array.from({ length: 12 }, (_, r) =>
      Array.from({ length: 40 }, (_, e) => ({
        event_id: `nl-${r}-${e}`,
        user_id: `nl-user-${(r * 40 + e) % 17}`,
        item_id: itemId(e % 4, e % 10),
        type: "view",
      })),
    );
    const responses = await Promise.all(requests.map((events) => postJson("/v1/events", { events })));
    for (const response of responses) expect((await json(response)).accepted).toBe(40);
    const logged = await waitForLakeEvents(requests.flat().map((event) => event.event_id));
    expect(new Set(logged.map((event) => event.event_id)).size).toBe(480);
  });

  it("counts trending from the queue, off the request path", async () => {
    const item = itemId(3, 4);
    const before = await shardScore(item);
    const posted = await postJson("/v1/events", {
      events: [
        { event_id: "qt-1", user_id: "qt-a", item_id: item, type: "like" },
        { event_id: "qt-2", user_id: "qt-b", item_id: item, type: "like" },
      ],
    });
    expect((await json(posted)).accepted).toBe(2);
    await waitForTrendingScores({ [item]: before + 8 });
  });

  it("sends a message nobody can read to the dead-letter queue, whose consumer archives it", async () => {
    await env.EVENT_QUEUE.send({ v: 99, poisoned: "end-to-end" } as unknown as EventQueueMessage);
    await vi.waitFor(
      async () => {
        const archived = await archivedDeadLetters();
        expect(archived.some((letter) => letter.body?.poisoned === "end-to-end")).toBe(true);
      },
      { timeout: 20_000, interval: 250 },
    );
  });
});

describe("the queue sink", () => {
  it("packs a request's events into few messages and spreads users over the queue shards by hash", async () => {
    const sent: { shard: number; bodies: EventQueueMessage[] }[] = [];
    const fakeQueue = (shard: number) =>
      ({
        sendBatch: async (messages: Iterable<MessageSendRequest<EventQueueMessage>>) => {
          sent.push({ shard, bodies: [...messages].map((m) => m.body) });
          return { metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } };
        },
      }) as unknown as Queue<EventQueueMessage>;
    const sink = createQueueEventLogSink({
      queues: [fakeQueue(0), fakeQueue(1), fakeQueue(2)],
      tombstones: { writeTombstone: async () => ({ key: "t", erasedAt: 0 }) },
    });
    const events = Array.from({ length: 300 }, (_, i) => ({
      event_id: `pk-${i}`,
      user_id: `pk-user-${i % 30}`,
      item_id: "i1",
      type: "view" as const,
      ts: 1_700_000_000_000,
    }));
    const receipt = await sink.write({
      events,
      receivedAt: 1_700_000_000_500,
      requestId: "req-pack",
      trending: [{ itemId: "i1", weight: 1, ts: 1 }],
    });
    expect(receipt.events).toBe(300);
    expect(sent.length).toBeLessThanOrEqual(3);
    for (const { shard, bodies } of sent) {
      for (const body of bodies) for (const event of body.events) expect(shardForKey(event.user_id, 3)).toBe(shard);
    }
    expect(sent.flatMap(({ bodies }) => bodies.flatMap((body) => body.events.map((event) => event.event_id))).sort()).toEqual(
      events.map((e) => e.event_id).sort(),
    );
    expect(sent.find(({ shard }) => shard === 0)!.bodies.flatMap((body) => body.trending)).toEqual([{ itemId: "i1", weight: 1, ts: 1 }]);
  });
});

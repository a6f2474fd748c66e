/**
 * The Cloudflare Pipelines sink (a deploy-time option: Pipelines has no local simulation, so its
 * stream is a fake here that records what it is sent): each event goes out once as a record with
 * its receive time, in chunks; tombstones still go to R2; with EVENT_LOG_SINK = "pipelines" the
 * route counts trending itself, and a missing binding is a retryable 503, not a crash.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { tombstoneKey } from "../../shared/events/erasure-tombstone";
import { createPipelinesEventLogSink, type PipelineStream } from "../../workers/event-log/pipelines-event-log-sink";
import { createR2EventLogSink } from "../../workers/event-log/r2-event-log-sink";
import { itemId, seedFixture } from "./fixture";
import { json, postJsonWithEnv } from "./helpers";
import { shardScore } from "./trending-wait";

beforeAll(seedFixture);

/** A stand-in for a Pipelines binding: keeps every `send` call. */
function fakeStream(): PipelineStream & { calls: Record<string, unknown>[][] } {
  const calls: Record<string, unknown>[][] = [];
  return { calls, send: async (records) => void calls.push(records) };
}

describe("the Pipelines sink", () => {
  it("sends each event once as a record with its receive time, in chunks of 500", async () => {
    const stream = fakeStream();
    const sink = createPipelinesEventLogSink(stream, createR2EventLogSink(env.EVENT_LOG));
    expect(sink.countsTrending).toBe(false);
    const events = Array.from({ length: 1200 }, (_, i) => ({
      event_id: `pl-${i}`,
      user_id: "u-pl",
      item_id: "i1",
      type: "view" as const,
      ts: 1_780_000_000_000,
    }));
    const receipt = await sink.write({ events, receivedAt: 1_780_000_000_900, requestId: "req-pl" });
    expect(receipt.events).toBe(1200);
    expect(stream.calls.map((call) => call.length)).toEqual([500, 500, 200]);
    expect(stream.calls.flat()).toEqual(events.map((event) => ({ ...event, received_at: 1_780_000_000_900 })));
  });

  it("writes erasure tombstones to R2", async () => {
    const sink = createPipelinesEventLogSink(fakeStream(), createR2EventLogSink(env.EVENT_LOG));
    const written = await sink.writeTombstone({ user_id: "u-pl-erased", erased_at: 5 });
    expect(written.key).toBe(tombstoneKey("u-pl-erased"));
    expect(await (await env.EVENT_LOG.get(written.key))!.json()).toEqual({ user_id: "u-pl-erased", erased_at: 5 });
  });
});

const post = (environment: Env, body: unknown) => postJsonWithEnv(environment, "/v1/events", body);

describe("POST /v1/events with EVENT_LOG_SINK = pipelines", () => {
  it("logs through the stream and counts trending in the request", async () => {
    const stream = fakeStream();
    const item = itemId(1, 7);
    const before = await shardScore(item);
    const response = await post({ ...env, EVENT_LOG_SINK: "pipelines", EVENT_PIPELINE: stream } as Env, {
      event_id: "pl-route-1",
      user_id: "u-pl-route",
      item_id: item,
      type: "like",
    });
    expect(response.status).toBe(200);
    expect(stream.calls.flat().map((record) => record.event_id)).toEqual(["pl-route-1"]);
    expect((await shardScore(item)) - before).toBeCloseTo(4, 2);
  });

  it("answers a retryable 503 when the stream binding is missing", async () => {
    const response = await post({ ...env, EVENT_LOG_SINK: "pipelines" } as Env, {
      event_id: "pl-missing-1",
      user_id: "u-pl-missing",
      item_id: "i1",
      type: "view",
    });
    expect(response.status).toBe(503);
    expect((await json(response)).error.code).toBe("event_log_unavailable");
  });
});

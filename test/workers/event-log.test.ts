/**
 * The event log: the R2 sink meets the EventLogSink contract, `POST /v1/events` writes each
 * batch of valid events as one NDJSON object under `events/dt=YYYY-MM-DD/hour=HH/` named by the
 * server (the request id is metadata), and when the log cannot store a batch nothing is applied
 * and the client is told to retry.
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { interactionEventSchema } from "../../shared/events/interaction-event";
import { createApp } from "../../workers/app";
import { createR2EventLogSink, eventLogObjectKey } from "../../workers/event-log/r2-event-log-sink";
import { eventLogSinkContract } from "../contracts/event-log-sink-contract";
import { ADMIN_TOKEN, postJson } from "./helpers";

let contractRun = 0;
eventLogSinkContract("r2", (options = {}) => {
  const run = ++contractRun;
  return {
    sink: createR2EventLogSink(env.EVENT_LOG, {
      prefix: `contract-${run}/events`,
      tombstonePrefix: `contract-${run}/tombstones`,
      ...(options.objectId ? { objectId: options.objectId } : {}),
    }),
    read: async (key) => (await env.EVENT_LOG.get(key))?.text() ?? null,
  };
});

describe("event log on R2", () => {
  it("names objects by receive date and hour and a server-made id", () => {
    expect(eventLogObjectKey(Date.UTC(2026, 0, 31, 7, 30), "0b6f4f3e-8a41-4c59-9d2c-5f0e7b1d9a11")).toBe(
      "events/dt=2026-01-31/hour=07/1769844600000-0b6f4f3e-8a41-4c59-9d2c-5f0e7b1d9a11.ndjson",
    );
  });

  it("logs each accepted batch as one NDJSON object of valid events", async () => {
    const stampedAt = Date.now() - 3_600_000;
    const response = await postJson(
      "/v1/events",
      {
        events: [
          { event_id: "log-1", user_id: "u-log", item_id: "i1", type: "view", ts: stampedAt },
          { event_id: "log-2", user_id: "u-log", item_id: "i2", type: "nope" },
          { event_id: "log-3", user_id: "u-log-2", item_id: "i3", type: "purchase", value: 9.5 },
        ],
      },
      { "x-request-id": "req-log-batch-1" },
    );
    expect(response.status).toBe(200);
    const listed = await env.EVENT_LOG.list({ prefix: "events/", include: ["customMetadata"] });
    const objects = listed.objects.filter((object) => object.customMetadata?.request_id === "req-log-batch-1");
    expect(objects).toHaveLength(1);
    expect(objects[0]!.key).toMatch(/^events\/dt=\d{4}-\d{2}-\d{2}\/hour=\d{2}\/\d+-[0-9a-f-]{36}\.ndjson$/);
    expect(objects[0]!.key).not.toContain("req-log-batch-1");
    const stored = await env.EVENT_LOG.get(objects[0]!.key);
    expect(stored!.customMetadata).toMatchObject({ request_id: "req-log-batch-1", events: "2" });
    const lines = (await stored!.text())
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.event_id)).toEqual(["log-1", "log-3"]);
    for (const line of lines) expect(interactionEventSchema.safeParse(line).success).toBe(true);
    expect(lines[0].ts).toBe(stampedAt);
    expect(typeof lines[1].ts).toBe("number");
  });

  it("answers 503 and applies nothing when the log cannot store the batch", async () => {
    const broken = { ...env, EVENT_LOG: { put: () => Promise.reject(new Error("R2 down (injected)")) } as unknown as R2Bucket };
    const ctx = createExecutionContext();
    const response = await createApp().fetch(
      new Request("http://edge.test/v1/events", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_TOKEN}` },
        body: JSON.stringify({ event_id: "lost-1", user_id: "u-log-down", item_id: "i1", type: "click" }),
      }),
      broken,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(((await response.json()) as any).error.code).toBe("event_log_unavailable");
    expect((await env.USER_SESSION.getByName("u-log-down").snapshot()).interactionCount).toBe(0);
  });
});

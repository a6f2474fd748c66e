/**
 * The event log: the R2 sink meets the EventLogSink contract (plain and gzip); `POST /v1/events`
 * logs each batch of valid events through the event queue into NDJSON objects under
 * `events/dt=YYYY-MM-DD/hour=HH/` named by the server (request ids are metadata); and when the log
 * cannot take a batch the client is told to retry, and the retry completes the log.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { interactionEventSchema } from "../../shared/events/interaction-event";
import { createR2EventLogSink, eventLogObjectKey } from "../../workers/event-log/r2-event-log-sink";
import { eventLogSinkContract } from "../contracts/event-log-sink-contract";
import { lakeObjects, lakeObjectText, waitForLakeEvents } from "./event-lake";
import { json, postJson, postJsonWithEnv } from "./helpers";

let contractRun = 0;
for (const compression of ["none", "gzip"] as const) {
  eventLogSinkContract(`r2 (${compression})`, (options = {}) => {
    const run = ++contractRun;
    return {
      sink: createR2EventLogSink(env.EVENT_LOG, {
        prefix: `contract-${run}/events`,
        tombstonePrefix: `contract-${run}/tombstones`,
        compression,
        ...(options.objectId ? { objectId: options.objectId } : {}),
      }),
      read: async (key) => ((await env.EVENT_LOG.head(key)) ? lakeObjectText(key) : null),
    };
  });
}

describe("event log on R2", () => {
  it("names objects by receive date and hour and a server-made id", () => {
    expect(eventLogObjectKey(Date.UTC(2026, 0, 31, 7, 30), "0b6f4f3e-8a41-4c59-9d2c-5f0e7b1d9a11")).toBe(
      "events/dt=2026-01-31/hour=07/1769844600000-0b6f4f3e-8a41-4c59-9d2c-5f0e7b1d9a11.ndjson",
    );
  });

  it("names gzip objects .ndjson.gz", () => {
    expect(eventLogObjectKey(Date.UTC(2026, 0, 31, 7, 30), "id-1", "events", "gzip")).toBe(
      "events/dt=2026-01-31/hour=07/1769844600000-id-1.ndjson.gz",
    );
  });

  it("logs each accepted batch's valid events through the queue into a gzip NDJSON object", async () => {
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
    const logged = await waitForLakeEvents(["log-1", "log-3"]);
    expect(logged.map((event) => event.event_id).sort()).toEqual(["log-1", "log-3"]);
    for (const event of logged) expect(interactionEventSchema.safeParse(event).success).toBe(true);
    expect(logged.find((event) => event.event_id === "log-1").ts).toBe(stampedAt);
    expect(typeof logged.find((event) => event.event_id === "log-3").ts).toBe("number");

    const objects = (await lakeObjects()).filter((object) => object.events.some((event) => event.event_id === "log-1"));
    expect(objects).toHaveLength(1);
    expect(objects[0]!.key).toMatch(/^events\/dt=\d{4}-\d{2}-\d{2}\/hour=\d{2}\/\d+-[0-9a-f-]{36}\.ndjson\.gz$/);
    expect(objects[0]!.key).not.toContain("req-log-batch-1");
    expect(objects[0]!.customMetadata.request_id!.split(",")).toContain("req-log-batch-1");
  });

  it("answers 503 when the queue cannot take the batch, and the retry completes the log", async () => {
    const broken = { ...env, EVENT_QUEUE: { sendBatch: () => Promise.reject(new Error("queue down (injected)")) } as unknown as Queue };
    const event = { event_id: "lost-1", user_id: "u-log-down", item_id: "i1", type: "click" };
    const send = (environment: Env) => postJsonWithEnv(environment, "/v1/events", event);
    const failed = await send(broken);
    expect(failed.status).toBe(503);
    expect(failed.headers.get("retry-after")).toBe("1");
    const error = (await json(failed)).error;
    expect(error.code).toBe("event_log_unavailable");
    expect(error.details).toMatchObject({ accepted: 1, duplicates: 0, failed_event_ids: [] });
    // The session took it (the next response reflects it); the log did not.
    expect((await env.USER_SESSION.getByName("u-log-down").snapshot()).interactionCount).toBe(1);

    const retried = await send(env);
    expect(retried.status).toBe(200);
    expect(await json(retried)).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
    expect(await waitForLakeEvents(["lost-1"])).toHaveLength(1);
  });
});

/**
 * Reading the event lake in workerd tests: every event the queue consumer (or the r2 sink) wrote
 * under `events/` in the EVENT_LOG bucket, gzip or not, and bounded waits for events to arrive
 * (the consumer runs after the queue's batch timeout: 1 s in tests).
 */
import { env } from "cloudflare:workers";
import { vi } from "vitest";

/** One lake object: its key, metadata and parsed lines. */
export interface LakeObject {
  key: string;
  customMetadata: Record<string, string>;
  events: any[];
}

/** The text of a stored object, gunzipped when its key ends in `.gz`. */
export async function lakeObjectText(key: string): Promise<string> {
  const object = await env.EVENT_LOG.get(key);
  if (!object) throw new Error(`no lake object ${key}`);
  if (!key.endsWith(".gz")) return object.text();
  return new Response(object.body.pipeThrough(new DecompressionStream("gzip"))).text();
}

/** Every object under `prefix`, with its lines parsed. */
export async function lakeObjects(prefix = "events/"): Promise<LakeObject[]> {
  const objects: LakeObject[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.EVENT_LOG.list({ prefix, include: ["customMetadata"], ...(cursor ? { cursor } : {}) });
    for (const object of page.objects) {
      const text = await lakeObjectText(object.key);
      objects.push({
        key: object.key,
        customMetadata: object.customMetadata ?? {},
        events: text
          .trimEnd()
          .split("\n")
          .filter((line) => line !== "")
          .map((line) => JSON.parse(line)),
      });
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return objects;
}

/** Every logged event whose `event_id` is in `eventIds` (repeats included), once all of them are there. */
export async function waitForLakeEvents(eventIds: readonly string[], timeout = 20_000): Promise<any[]> {
  const wanted = new Set(eventIds);
  return vi.waitFor(
    async () => {
      const found = (await lakeObjects()).flatMap((object) => object.events).filter((event) => wanted.has(event.event_id));
      const missing = [...wanted].filter((id) => !found.some((event) => event.event_id === id));
      if (missing.length > 0) throw new Error(`not in the lake yet: ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", …" : ""}`);
      return found;
    },
    { timeout, interval: 200 },
  );
}

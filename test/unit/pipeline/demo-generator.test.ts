import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { interactionEventSchema } from "../../../shared/events/interaction-event";
import { catalogItemRecordSchema, userProfileRecordSchema } from "../../../pipeline/data/event-log-folder";
import { generateDemoData } from "../../../pipeline/generate/demo-generator";
import { writeDemoDataset } from "../../../pipeline/generate/write-demo-dataset";

const SMALL = { items: 300, users: 120, days: 30 } as const;
const tempDirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "demo-generator-"));
  tempDirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("generateDemoData", () => {
  const data = generateDemoData(SMALL);

  it("writes byte-identical folders for the same seed", async () => {
    const [a, b] = [await tempDir(), await tempDir()];
    await writeDemoDataset(a, SMALL);
    await writeDemoDataset(b, SMALL);
    const files = (await readdir(a)).sort();
    expect(files).toEqual(["dataset.json", "events.ndjson", "items.ndjson", "users.ndjson"]);
    for (const file of files) {
      expect((await readFile(join(b, file))).equals(await readFile(join(a, file))), file).toBe(true);
    }
  });

  it("gives different data for a different seed", () => {
    const other = generateDemoData({ ...SMALL, seed: 7 });
    expect(other.events.length).not.toBe(data.events.length);
  });

  it("produces events that validate against the interaction event schema, sorted by time", () => {
    expect(data.events.length).toBeGreaterThan(1000);
    let previous = 0;
    const ids = new Set<string>();
    for (const event of data.events) {
      expect(interactionEventSchema.safeParse(event).success).toBe(true);
      expect(event.ts!).toBeGreaterThanOrEqual(previous);
      previous = event.ts!;
      ids.add(event.event_id);
    }
    expect(ids.size).toBe(data.events.length);
  });

  it("mixes event types like a media service, impressions first", () => {
    const counts = new Map<string, number>();
    for (const event of data.events) counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
    for (const type of ["impression", "view", "click", "complete", "like", "rating"]) {
      expect(counts.get(type), type).toBeGreaterThan(0);
    }
    expect(counts.get("impression")!).toBeGreaterThan(counts.get("view")!);
    expect(counts.get("view")!).toBeGreaterThan(counts.get("complete")!);
    for (const event of data.events.filter((e) => e.type === "rating")) {
      expect(Number.isInteger(event.value) && event.value! >= 1 && event.value! <= 5).toBe(true);
    }
  });

  it("builds a catalogue with ids, 1-3 genres, category = first genre and past release dates", () => {
    expect(data.items).toHaveLength(SMALL.items);
    expect(data.items[17]!.item_id).toBe("i00017");
    const endSeconds = (data.descriptor.generator!.endTime as number) / 1000;
    for (const item of data.items) {
      expect(catalogItemRecordSchema.safeParse(item).success).toBe(true);
      expect(item.genres!.length).toBeGreaterThanOrEqual(1);
      expect(item.genres!.length).toBeLessThanOrEqual(3);
      expect(item.category).toBe(item.genres![0]);
      expect(item.released_at!).toBeLessThanOrEqual(endSeconds);
      expect(item.released_at!).toBeGreaterThan(endSeconds - 31 * 365.25 * 86_400);
    }
    const sponsored = data.items.filter((i) => i.sponsored).length;
    expect(sponsored).toBeGreaterThan(0);
    expect(sponsored).toBeLessThan(SMALL.items * 0.1);
  });

  it("never records an interaction before the item's release", () => {
    const releasedAt = new Map(data.items.map((item) => [item.item_id, item.released_at! * 1000]));
    for (const event of data.events) expect(event.ts!).toBeGreaterThanOrEqual(releasedAt.get(event.item_id)!);
  });

  it("creates users with demographics and a power-law of activity", () => {
    expect(data.users[42]!.user_id).toBe("u00042");
    for (const user of data.users) expect(userProfileRecordSchema.safeParse(user).success).toBe(true);
    const perUser = new Map<string, number>();
    for (const event of data.events) perUser.set(event.user_id, (perUser.get(event.user_id) ?? 0) + 1);
    const activity = [...perUser.values()].sort((a, b) => b - a);
    const median = activity[activity.length >> 1]!;
    expect(activity[0]!).toBeGreaterThan(4 * median);
  });

  it("records its options and counts in the descriptor", () => {
    expect(data.descriptor).toMatchObject({
      format: "event-log",
      name: "demo",
      counts: { items: SMALL.items, users: SMALL.users, events: data.events.length },
      generator: { ...SMALL, seed: 42 },
    });
  });

  it("rejects invalid options with a clear message", () => {
    expect(() => generateDemoData({ items: 0 })).toThrow(/items must be a positive integer/);
  });
});

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventSignal, eventWeight } from "../../../shared/events/event-weight";
import { DatasetFormatError } from "../../../pipeline/data/detect-dataset-format";
import { rowIndices } from "../../../pipeline/data/interaction-matrix";
import { loadDataset } from "../../../pipeline/data/load-dataset";
import type { Dataset } from "../../../pipeline/data/dataset";

const T0 = Date.UTC(2024, 0, 1);
const event = (id: string, user: string, item: string, type: string, minutes: number, extra: object = {}) =>
  JSON.stringify({ event_id: id, user_id: user, item_id: item, type, ts: T0 + minutes * 60_000, ...extra });

const items = [
  JSON.stringify({ item_id: "i1", title: "One", genres: ["Drama", "War"], released_at: 1_500_000_000 }),
  JSON.stringify({ item_id: "i2", title: "Two", genres: ["Comedy"], category: "Comedy", sponsored: true }),
  "{ not json",
  JSON.stringify({ item_id: "i3" }),
  JSON.stringify({ title: "no id" }),
];
const events = [
  event("e1", "u1", "i1", "impression", 1),
  event("e2", "u1", "i1", "view", 2, { value: 120000 }),
  event("e3", "u1", "i1", "complete", 3, { value: 1 }),
  event("e4", "u1", "i2", "impression", 4),
  event("e5", "u1", "i2", "not_interested", 5),
  "",
  event("e6", "u2", "i2", "like", 6, { context: { surface: "home", device: "tv" } }),
  "[1, 2, 3]",
  event("e7", "u2", "i9", "view", 7),
  event("e8", "u2", "i1", "teleport", 8),
  JSON.stringify({ event_id: "e9", user_id: "u2", item_id: "i3", type: "view" }),
  event("e6", "u2", "i3", "view", 9),
  event("e10", "u3", "i3", "skip", 10),
];

let folder: string;
let dataset: Dataset;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "load-dataset-"));
  await writeFile(join(folder, "items.ndjson"), `${items.join("\n")}\n`);
  await writeFile(join(folder, "users.ndjson"), `${JSON.stringify({ user_id: "u1", country: "DE" })}\n`);
  await writeFile(join(folder, "events.ndjson"), events.join("\r\n"));
  dataset = await loadDataset(folder, { name: "fixture" });
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("loadDataset (event-log folder)", () => {
  it("reports every malformed line with its file and line number instead of failing", () => {
    expect(dataset.issues.count).toBe(7);
    expect(dataset.issues.countsByFile).toEqual({ "items.ndjson": 2, "events.ndjson": 5 });
    const where = dataset.issues.samples.map((s) => `${s.file}:${s.line}`);
    expect(where).toEqual([
      "items.ndjson:3",
      "items.ndjson:5",
      "events.ndjson:8",
      "events.ndjson:9",
      "events.ndjson:10",
      "events.ndjson:11",
      "events.ndjson:12",
    ]);
    const messages = dataset.issues.samples.map((s) => s.message);
    expect(messages[0]).toMatch(/invalid JSON/);
    expect(messages[2]).toMatch(/^\(root\):/);
    expect(messages[3]).toMatch(/unknown item_id "i9"/);
    expect(messages[4]).toMatch(/^type:/);
    expect(messages[5]).toMatch(/missing ts/);
    expect(dataset.issues.format()).toMatch(/7 line\(s\) skipped/);
  });

  it("stores a replayed event id once", () => {
    expect(dataset.issues.samples.at(-1)).toEqual({
      file: "events.ndjson",
      line: 12,
      message: 'duplicate event_id "e6" of user "u2"',
    });
    expect(dataset.events.length).toBe(7);
  });

  it("maps string ids to dense indices and keeps metadata", () => {
    expect(dataset.name).toBe("fixture");
    expect(dataset.format).toBe("event-log");
    expect(dataset.items.ids.ids).toEqual(["i1", "i2", "i3"]);
    expect(dataset.items.items[0]).toMatchObject({ category: "Drama", releasedAt: 1_500_000_000, sponsored: false });
    expect(dataset.items.items[1]).toMatchObject({ category: "Comedy", sponsored: true });
    expect(dataset.items.items[2]).toMatchObject({ title: "i3", category: "unknown", genres: [] });
    expect(dataset.users.ids.ids).toEqual(["u1", "u2", "u3"]);
    expect(dataset.users.profiles[0]).toEqual({ country: "DE" });
    expect(dataset.users.profiles[1]).toBeUndefined();
  });

  it("aggregates events with the weight table: positives as interactions, negatives apart, exposures left out", () => {
    const m = dataset.interactions;
    expect([m.rows, m.cols]).toEqual([3, 3]);
    expect(Array.from(rowIndices(m, 0))).toEqual([0]);
    expect(m.confidence[0]).toBe(eventSignal("view", 120_000) + eventSignal("complete", 1));
    expect(m.counts[0]).toBe(2);
    expect(m.firstTs[0]).toBe(T0 + 2 * 60_000);
    expect(m.lastTs[0]).toBe(T0 + 3 * 60_000);
    const u2 = dataset.users.ids.indexOf("u2");
    expect(Array.from(rowIndices(m, u2))).toEqual([1]);
    expect(Array.from(rowIndices(m, dataset.users.ids.indexOf("u3")))).toEqual([]);
    const negatives = dataset.negatives;
    expect(Array.from(rowIndices(negatives, 0))).toEqual([1]);
    expect(Array.from(rowIndices(negatives, dataset.users.ids.indexOf("u3")))).toEqual([2]);
    expect(Array.from(negatives.confidence)).toEqual([-eventWeight.not_interested, -eventWeight.skip]);
    expect(dataset.eventWeights.source).toBe("default");
  });

  it("fails with a clear error for a missing folder or unknown format", async () => {
    await expect(loadDataset(join(folder, "missing"))).rejects.toThrow(DatasetFormatError);
    await expect(loadDataset(join(folder, "missing"))).rejects.toThrow(/dataset folder not found/);
    const empty = await mkdtemp(join(tmpdir(), "load-dataset-empty-"));
    await expect(loadDataset(empty)).rejects.toThrow(/no known dataset format.*events\.ndjson/);
    await rm(empty, { recursive: true });
  });
});

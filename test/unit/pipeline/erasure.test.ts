/**
 * Erasure and event identity in the offline pipeline: the event-log loader dedupes replays by
 * (user_id, event_id) — the same id for two users is two events — and drops every event of a
 * tombstoned user stamped at or before the erasure (and their profile line), keeping what they did
 * afterwards; `purge-erased` rewrites the folder's NDJSON files (flat `events.ndjson` and the
 * bucket's `events/dt=…/hour=…/` tree) without those lines, byte for byte otherwise.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { loadEventLogFolder } from "../../../pipeline/data/load-event-log-folder";
import { purgeErasedEvents } from "../../../pipeline/data/purge-erased-events";
import { runPurgeErased } from "../../../pipeline/commands/run-purge-erased";

const T0 = Date.UTC(2026, 5, 1);
const ERASED_AT = T0 + 10 * 60_000;
const line = (id: string, user: string, item: string, minutes: number, type = "click") =>
  JSON.stringify({ event_id: id, user_id: user, item_id: item, type, ts: T0 + minutes * 60_000 });

const events = [
  line("e1", "keep", "i1", 1),
  line("e1", "gone", "i1", 2), // same event id, another user: a second event
  line("e2", "gone", "i2", 10), // exactly at erased_at: erased
  line("e1", "keep", "i1", 3), // replay of keep/e1
  line("e3", "gone", "i2", 11), // after the erasure: a new history, kept
  line("e4", "other", "i2", 12),
];

let folder: string;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "erasure-"));
  await writeFile(
    join(folder, "items.ndjson"),
    `${[{ item_id: "i1" }, { item_id: "i2" }].map((item) => JSON.stringify(item)).join("\n")}\n`,
  );
  await writeFile(
    join(folder, "users.ndjson"),
    [
      { user_id: "keep", country: "DE" },
      { user_id: "gone", country: "FR" },
    ]
      .map((u) => `${JSON.stringify(u)}\n`)
      .join(""),
  );
  await writeFile(join(folder, "events.ndjson"), `${events.join("\n")}\n`);
  await mkdir(join(folder, "tombstones"));
  await writeFile(join(folder, "tombstones", "gone.json"), JSON.stringify({ user_id: "gone", erased_at: ERASED_AT }));
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("event-log loader", () => {
  it("dedupes by (user_id, event_id) and drops what a tombstone erased", async () => {
    const dataset = await loadEventLogFolder(folder);
    const rows = Array.from({ length: dataset.events.length }, (_, k) => [
      dataset.users.ids.idAt(dataset.events.users[k]!),
      dataset.events.timestamps[k]! - T0,
    ]);
    expect(rows).toEqual([
      ["keep", 60_000],
      ["gone", 11 * 60_000],
      ["other", 12 * 60_000],
    ]);
    expect(dataset.issues.samples).toEqual([{ file: "events.ndjson", line: 4, message: 'duplicate event_id "e1" of user "keep"' }]);
    expect(dataset.issues.notes).toContain("erasure tombstones: 1 user(s); 2 event(s) stamped at or before their erasure dropped");
    const gone = dataset.users.ids.indexOf("gone");
    expect(dataset.users.profiles[gone]).toBeUndefined();
    expect(dataset.users.profiles[dataset.users.ids.indexOf("keep")]).toEqual({ country: "DE" });
  });

  it("keeps everything without tombstones", async () => {
    await rm(join(folder, "tombstones"), { recursive: true });
    const dataset = await loadEventLogFolder(folder);
    expect(dataset.events.length).toBe(5);
  });
});

describe("purge-erased", () => {
  it("rewrites the flat and the partitioned event files without the erased events, and reports counts", async () => {
    const partition = join(folder, "events", "dt=2026-06-01", "hour=00");
    await mkdir(partition, { recursive: true });
    const objectLines = [line("p1", "gone", "i1", 5), "{ not json", line("p2", "keep", "i1", 6), line("p3", "gone", "i1", 20)];
    await writeFile(join(partition, "1780272000000-a.ndjson"), `${objectLines.join("\n")}\n`);
    const untouched = `${[line("q1", "other", "i1", 7)].join("\n")}\n`;
    await writeFile(join(partition, "1780272000001-b.ndjson"), untouched);

    const report = await purgeErasedEvents(folder);
    expect(report).toEqual({
      tombstones: 1,
      filesScanned: 4,
      rewritten: [
        { file: "events.ndjson", dropped: 2 },
        { file: "events/dt=2026-06-01/hour=00/1780272000000-a.ndjson", dropped: 1 },
        { file: "users.ndjson", dropped: 1 },
      ],
      eventsDropped: 3,
      profilesDropped: 1,
      unreadableLinesKept: 1,
    });
    expect(await readFile(join(folder, "events.ndjson"), "utf8")).toBe(`${[events[0], events[3], events[4], events[5]].join("\n")}\n`);
    expect(await readFile(join(partition, "1780272000000-a.ndjson"), "utf8")).toBe(
      `${[objectLines[1], objectLines[2], objectLines[3]].join("\n")}\n`,
    );
    expect(await readFile(join(partition, "1780272000001-b.ndjson"), "utf8")).toBe(untouched);
    expect(await readFile(join(folder, "users.ndjson"), "utf8")).toBe(`${JSON.stringify({ user_id: "keep", country: "DE" })}\n`);
    expect(await readFile(join(folder, "tombstones", "gone.json"), "utf8")).toContain('"gone"');

    // A second purge finds nothing left to drop.
    expect((await purgeErasedEvents(folder)).rewritten).toEqual([]);
  });

  it("prints what the command dropped", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      const report = await runPurgeErased({ events: folder });
      expect(report.eventsDropped).toBe(2);
      expect(log.mock.calls.map((call) => call[0])).toEqual([
        "tombstones: 1 erased user(s); scanned 2 NDJSON file(s)",
        "  rewrote events.ndjson: 2 line(s) dropped",
        "  rewrote users.ndjson: 1 line(s) dropped",
        "dropped 2 event(s) and 1 profile(s); 0 unreadable line(s) kept as they were",
      ]);
    } finally {
      log.mockRestore();
    }
    await expect(runPurgeErased({ events: join(folder, "missing") })).rejects.toThrow(/is not a folder/);
  });
});

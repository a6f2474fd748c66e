/**
 * `pipeline compact` writes the event lake as Parquet: one file per UTC hour partition at
 * `events/dt=…/hour=…/events.parquet`, typed columns that DuckDB reads as one Hive-partitioned
 * table, repeats dropped by (user_id, event_id) — the same id for another user is another event —
 * and events stamped at or before a user's erasure dropped (later ones kept). Re-running rewrites
 * the same files and applies a newer tombstone; `--from`/`--to` touch only those days; a compacted
 * folder given as `--lake` reads back the same events as the NDJSON lake it came from. Expected
 * rows are written out by hand and read back with DuckDB's own SQL.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCompact } from "../../../pipeline/commands/run-compact";
import { utcDayStart } from "../../../pipeline/data/lake/compact-lake";
import { folderLakeSource } from "../../../pipeline/data/lake/folder-lake-source";
import type { LakeSource } from "../../../pipeline/data/lake/lake-source";
import { lakeSourceFrom } from "../../../pipeline/data/lake/lake-source-from";
import { readLakeEvents, readLakeTombstones } from "../../../pipeline/data/lake/read-lake";
import { loadEventLogFolder } from "../../../pipeline/data/load-event-log-folder";
import { LoadIssueLog } from "../../../pipeline/data/load-issue-log";

const T0 = Date.UTC(2026, 11, 1, 10);
const at = (minutes: number) => T0 + minutes * 60_000;
/** Long after the fixture's hours: none of them is open. */
const NOW = Date.UTC(2026, 11, 10);
const event = (id: string, user: string, item: string, minutes: number, extra: object = {}) => ({
  event_id: id,
  user_id: user,
  item_id: item,
  type: "click",
  ts: at(minutes),
  ...extra,
});
const ndjson = (rows: object[]) => `${rows.map((row) => JSON.stringify(row)).join("\n")}\n`;

const HOUR_10_A = `events/dt=2026-12-01/hour=10/${at(5)}-a.ndjson.gz`;
const HOUR_10_B = `events/dt=2026-12-01/hour=10/${at(20)}-b.ndjson.gz`;
const HOUR_11 = `events/dt=2026-12-01/hour=11/${at(65)}-c.ndjson.gz`;
const NEXT_DAY = `events/dt=2026-12-02/hour=00/${at(14 * 60 + 1)}-d.ndjson`;
const PARQUET_10 = "events/dt=2026-12-01/hour=10/events.parquet";
const PARQUET_11 = "events/dt=2026-12-01/hour=11/events.parquet";
const PARQUET_NEXT_DAY = "events/dt=2026-12-02/hour=00/events.parquet";

let root: string;
let lake: string;
let out: string;

async function put(folder: string, key: string, body: string | Uint8Array): Promise<void> {
  await mkdir(dirname(join(folder, key)), { recursive: true });
  await writeFile(join(folder, key), body);
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "compact-"));
  lake = join(root, "lake");
  out = join(root, "parquet");
  // Hour 10, first object: every optional field, an erased user's event before the erasure, a line that is not an event.
  await put(
    lake,
    HOUR_10_A,
    gzipSync(
      ndjson([
        event("e1", "u1", "i1", 1, { value: 2.5, request_id: "r1", position: 3, context: { surface: "home", device: "ios" } }),
        event("g1", "gone", "i1", 2),
        event("e2", "u2", "i2", 4, { type: "view" }),
        { nope: true },
      ]),
    ),
  );
  // Hour 10, second object: a repeat of u1/e1 (at-least-once), an empty context.
  await put(lake, HOUR_10_B, gzipSync(ndjson([event("e1", "u1", "i1", 1), event("e3", "u1", "i2", 21, { type: "like", context: {} })])));
  // Hour 11: u2/e2 repeated an hour later, the same id e1 for another user, the erased user after the erasure.
  await put(
    lake,
    HOUR_11,
    gzipSync(
      ndjson([
        event("e2", "u2", "i2", 4, { type: "view" }),
        event("e1", "u3", "i3", 61, { type: "rating", value: 4 }),
        event("g2", "gone", "i1", 70),
      ]),
    ),
  );
  // The next day, plain NDJSON.
  await put(lake, NEXT_DAY, ndjson([event("e4", "u1", "i3", 14 * 60 + 1, { type: "purchase" })]));
  await put(lake, "tombstones/gone.json", JSON.stringify({ user_id: "gone", erased_at: at(3) }));
  await put(lake, "dead-letter/dt=2026-12-01/hour=11/1-x.json", "{}");
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Runs the SQL on a fresh in-memory DuckDB and returns its rows as JSON values. */
async function query(sql: string): Promise<Record<string, unknown>[]> {
  const database = await DuckDBInstance.create(":memory:");
  const connection = await database.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJson();
  } finally {
    connection.closeSync();
    database.closeSync();
  }
}

/** The whole compacted folder as one table, partition columns typed as docs/beyond-one-machine.md reads them. */
const glob = () => `read_parquet('${out}/events/*/*/*.parquet', hive_partitioning = true, hive_types = {'dt': DATE, 'hour': INTEGER})`;

/** Every compacted row: partition, identity, time (ms) and the optional fields. */
const readRows = () =>
  query(
    `SELECT strftime(dt, '%Y-%m-%d') AS dt, hour, event_id, user_id, item_id, type, epoch_ms(ts)::DOUBLE AS ts,
            value, request_id, position, context FROM ${glob()} ORDER BY dt, hour, ts, user_id`,
  );

const row = (
  dt: string,
  hour: number,
  fields: Partial<Record<string, unknown>> & { event_id: string; user_id: string; item_id: string; ts: number },
) => ({
  dt,
  hour,
  type: "click",
  value: null,
  request_id: null,
  position: null,
  context: null,
  ...fields,
});

const EXPECTED_ROWS = [
  row("2026-12-01", 10, {
    event_id: "e1",
    user_id: "u1",
    item_id: "i1",
    ts: at(1),
    value: 2.5,
    request_id: "r1",
    position: 3,
    context: { surface: "home", device: "ios" },
  }),
  row("2026-12-01", 10, { event_id: "e2", user_id: "u2", item_id: "i2", type: "view", ts: at(4) }),
  row("2026-12-01", 10, {
    event_id: "e3",
    user_id: "u1",
    item_id: "i2",
    type: "like",
    ts: at(21),
    context: { surface: null, device: null },
  }),
  row("2026-12-01", 11, { event_id: "e1", user_id: "u3", item_id: "i3", type: "rating", ts: at(61), value: 4 }),
  row("2026-12-01", 11, { event_id: "g2", user_id: "gone", item_id: "i1", ts: at(70) }),
  row("2026-12-02", 0, { event_id: "e4", user_id: "u1", item_id: "i3", type: "purchase", ts: at(14 * 60 + 1) }),
];

async function compact(options: { from?: string; to?: string } = {}): Promise<string[]> {
  const lines: string[] = [];
  await runCompact({ lake, out, now: NOW, ...options }, (line) => lines.push(line));
  return lines;
}

/** Every file under `folder`, relative, sorted. */
async function files(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(folder.length + 1))
    .sort();
}

describe("compacting the lake to Parquet", () => {
  it("writes one typed Parquet file per hour partition, deduplicated by (user_id, event_id), erasures applied", async () => {
    const lines = await compact();
    expect(await files(out)).toEqual([PARQUET_10, PARQUET_11, PARQUET_NEXT_DAY, "tombstones/gone.json"]);
    expect(await readRows()).toEqual(EXPECTED_ROWS);

    const columns = await query(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${glob()})`);
    expect(columns.map((column) => `${column.column_name} ${column.column_type}`)).toEqual([
      "event_id VARCHAR",
      "user_id VARCHAR",
      "item_id VARCHAR",
      "type VARCHAR",
      "ts TIMESTAMP WITH TIME ZONE",
      "value DOUBLE",
      "request_id VARCHAR",
      "position INTEGER",
      "context STRUCT(surface VARCHAR, device VARCHAR)",
      "dt DATE",
      "hour INTEGER",
    ]);
    const ts = await query(`SELECT logical_type FROM parquet_schema('${join(out, PARQUET_10)}') WHERE name = 'ts'`);
    expect(String(ts[0]?.logical_type)).toMatch(/TimestampType\(isAdjustedToUTC=1, unit=.*MICROS=MicroSeconds\(\)/);
    expect(JSON.parse(await readFile(join(out, "tombstones/gone.json"), "utf8"))).toEqual({ user_id: "gone", erased_at: at(3) });

    expect(lines.slice(1)).toEqual([
      "[compact] dt=2026-12-01/hour=10: 3 event(s) from 2 object(s); 1 repeat(s), 1 erased",
      "[compact] dt=2026-12-01/hour=11: 2 event(s) from 1 object(s); 1 repeat(s), 0 erased",
      "[compact] dt=2026-12-02/hour=00: 1 event(s) from 1 object(s); 0 repeat(s), 0 erased",
      `[compact] tombstones: 1 erased user(s) applied and copied to ${join(out, "tombstones")}`,
      `[compact] 1 line(s) skipped (${HOUR_10_A}: 1)`,
      expect.stringMatching(new RegExp(`^\\[compact\\]   ${HOUR_10_A}:4: `)),
      expect.stringMatching(
        /^\[compact\] total: 6 event\(s\) in 3 partition\(s\); 2 repeat\(s\) and 1 erased event\(s\) dropped \(\d+\.\d+s\)$/,
      ),
    ]);
  });

  it("rewrites the same files when run again, leaving no temporary file, and applies a newer tombstone", async () => {
    await compact();
    const first = await Promise.all([PARQUET_10, PARQUET_11, PARQUET_NEXT_DAY].map((key) => readFile(join(out, key))));
    await compact();
    const second = await Promise.all([PARQUET_10, PARQUET_11, PARQUET_NEXT_DAY].map((key) => readFile(join(out, key))));
    expect(second).toEqual(first);
    expect(await files(out)).toEqual([PARQUET_10, PARQUET_11, PARQUET_NEXT_DAY, "tombstones/gone.json"]);
    expect(await readRows()).toEqual(EXPECTED_ROWS);

    await put(lake, "tombstones/u3.json", JSON.stringify({ user_id: "u3", erased_at: at(90) }));
    await compact();
    expect((await readRows()).map((r) => `${r.user_id}/${r.event_id}`)).toEqual(["u1/e1", "u2/e2", "u1/e3", "gone/g2", "u1/e4"]);
    expect(await files(out)).toContain("tombstones/u3.json");
  });

  it("writes an empty file, same columns, for an hour whose events are all erased", async () => {
    await put(lake, "tombstones/u1.json", JSON.stringify({ user_id: "u1", erased_at: at(30) }));
    await put(lake, "tombstones/u2.json", JSON.stringify({ user_id: "u2", erased_at: at(30) }));
    await compact({ from: "2026-12-01", to: "2026-12-01" });
    expect(
      await query(`SELECT count(*)::INTEGER AS n, count(DISTINCT user_id)::INTEGER AS users FROM read_parquet('${join(out, PARQUET_10)}')`),
    ).toEqual([{ n: 0, users: 0 }]);
    expect((await readRows()).map((r) => `${r.user_id}/${r.event_id}`)).toEqual(["u3/e1", "gone/g2"]);
  });

  it("compacts only the days between --from and --to, leaving other partitions' files alone", async () => {
    await compact({ from: "2026-12-02", to: "2026-12-02" });
    expect(await files(out)).toEqual([PARQUET_NEXT_DAY, "tombstones/gone.json"]);
    await compact({ to: "2026-12-01" });
    expect(await files(out)).toEqual([PARQUET_10, PARQUET_11, PARQUET_NEXT_DAY, "tombstones/gone.json"]);
    const before = await stat(join(out, PARQUET_NEXT_DAY));
    await compact({ from: "2026-12-01", to: "2026-12-01" });
    expect((await stat(join(out, PARQUET_NEXT_DAY))).mtimeMs).toBe(before.mtimeMs);
    await expect(compact({ from: "2026-12-02", to: "2026-12-01" })).rejects.toThrow("--from 2026-12-02 is after --to 2026-12-01");
  });

  it("marks an hour that may still receive events", async () => {
    const lines: string[] = [];
    await runCompact({ lake, out, from: "2026-12-02", now: Date.UTC(2026, 11, 2, 1, 10) }, (line) => lines.push(line));
    expect(lines).toContain(
      "[compact] dt=2026-12-02/hour=00: 1 event(s) from 1 object(s); 0 repeat(s), 0 erased — hour still open: re-run once it has closed",
    );
  });

  it("accepts UTC days only", () => {
    expect(utcDayStart("2026-12-01")).toBe(Date.UTC(2026, 11, 1));
    expect(utcDayStart("2026-02-30")).toBeUndefined();
    expect(utcDayStart("2026-12-1")).toBeUndefined();
    expect(utcDayStart("2026-12-01T00:00:00Z")).toBeUndefined();
  });
});

/** The lake's events as the pipeline keeps them: valid, not erased, first of each (user_id, event_id). */
async function keptEvents(source: LakeSource): Promise<object[]> {
  const issues = new LoadIssueLog();
  const erasedAt = await readLakeTombstones(source, issues);
  const seen = new Set<string>();
  const kept: object[] = [];
  for await (const { event: e } of readLakeEvents(source, issues)) {
    const key = `${e.user_id} ${e.event_id}`;
    if (seen.has(key) || (erasedAt.has(e.user_id) && e.ts <= erasedAt.get(e.user_id)!)) continue;
    seen.add(key);
    kept.push(e);
  }
  return kept;
}

describe("reading a compacted folder back", () => {
  it("gives the same events as the NDJSON lake, through --lake <folder>", async () => {
    await compact();
    const fromParquet = await keptEvents(lakeSourceFrom(out));
    expect(fromParquet).toEqual(await keptEvents(lakeSourceFrom(lake)));
    expect(fromParquet).toHaveLength(6);
    expect(fromParquet[0]).toEqual(
      event("e1", "u1", "i1", 1, { value: 2.5, request_id: "r1", position: 3, context: { surface: "home", device: "ios" } }),
    );
    expect(fromParquet[2]).toEqual(event("e3", "u1", "i2", 21, { type: "like", context: {} }));
    expect(await readLakeTombstones(lakeSourceFrom(out), new LoadIssueLog())).toEqual(new Map([["gone", at(3)]]));
  });

  it("merges into an event-log folder exactly as the NDJSON lake does", async () => {
    await compact();
    const base = join(root, "base");
    await put(base, "items.ndjson", ndjson([{ item_id: "i1" }, { item_id: "i2" }, { item_id: "i3" }]));
    await put(base, "events.ndjson", ndjson([event("b1", "u1", "i1", -60)]));
    const rows = async (source: LakeSource) => {
      const dataset = await loadEventLogFolder(base, { lake: source });
      return Array.from({ length: dataset.events.length }, (_, k) => [
        dataset.users.ids.idAt(dataset.events.users[k]!),
        dataset.items.ids.idAt(dataset.events.items[k]!),
        dataset.events.timestamps[k],
      ]);
    };
    const fromParquet = await rows(lakeSourceFrom(out));
    expect(fromParquet).toEqual(await rows(lakeSourceFrom(lake)));
    expect(fromParquet).toEqual([
      ["u1", "i1", at(-60)],
      ["u1", "i1", at(1)],
      ["u2", "i2", at(4)],
      ["u1", "i2", at(21)],
      ["u3", "i3", at(61)],
      ["gone", "i1", at(70)],
      ["u1", "i3", at(14 * 60 + 1)],
    ]);
  });

  it("reports a Parquet file read through a plain folder source instead of skipping it silently", async () => {
    await compact();
    const issues = new LoadIssueLog();
    for await (const _ of readLakeEvents(folderLakeSource(out), issues)) throw new Error("no event expected");
    expect(issues.countsByFile[PARQUET_10]).toBe(1);
    expect(issues.samples[0]?.message).toMatch(/unreadable object \(a Parquet file/);
  });
});

/**
 * The pipeline reads the event lake: a folder with the bucket's layout and the Worker's admin API
 * (through a fake fetch that serves such a folder) give the same events; gzip and plain objects
 * both read; lake events merge into an event-log folder deduplicated by (user_id, event_id) —
 * repeats counted, not reported — honouring the lake's tombstones, in time order, adding unknown
 * users; `since` skips older partitions; `purge-erased` rewrites gzip objects too.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { folderLakeSource } from "../../../pipeline/data/lake/folder-lake-source";
import type { LakeSource } from "../../../pipeline/data/lake/lake-source";
import { lakeEventKeys, readLakeEvents } from "../../../pipeline/data/lake/read-lake";
import { workerLakeSource } from "../../../pipeline/data/lake/worker-lake-source";
import { loadEventLogFolder } from "../../../pipeline/data/load-event-log-folder";
import { LoadIssueLog } from "../../../pipeline/data/load-issue-log";
import { purgeErasedEvents } from "../../../pipeline/data/purge-erased-events";

const T0 = Date.UTC(2026, 11, 1, 10);
const at = (minutes: number) => T0 + minutes * 60_000;
const event = (id: string, user: string, item: string, minutes: number, type = "click") => ({
  event_id: id,
  user_id: user,
  item_id: item,
  type,
  ts: at(minutes),
});
const ndjson = (rows: object[]) => `${rows.map((row) => JSON.stringify(row)).join("\n")}\n`;

let root: string;
let base: string;
let lake: string;

async function put(folder: string, key: string, body: string | Uint8Array): Promise<void> {
  await mkdir(dirname(join(folder, key)), { recursive: true });
  await writeFile(join(folder, key), body);
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "lake-"));
  base = join(root, "base");
  lake = join(root, "lake");
  await put(base, "items.ndjson", ndjson([{ item_id: "i1" }, { item_id: "i2" }, { item_id: "i3" }]));
  await put(base, "users.ndjson", ndjson([{ user_id: "u1" }, { user_id: "u2" }]));
  await put(base, "events.ndjson", ndjson([event("b1", "u1", "i1", -120), event("b2", "u2", "i2", -60)]));
  // Hour 10: gzip, with a repeat of a folder event and a line that is not an event.
  await put(
    lake,
    `events/dt=2026-12-01/hour=10/${at(5)}-a.ndjson.gz`,
    gzipSync(ndjson([event("l1", "u1", "i2", 5), event("b1", "u1", "i1", -120), event("l2", "new-user", "i3", 6), { nope: true }])),
  );
  // Hour 11: plain, repeating l1 (at-least-once), an unknown item, an erased user's events before and after.
  await put(
    lake,
    `events/dt=2026-12-01/hour=11/${at(65)}-b.ndjson`,
    ndjson([event("l1", "u1", "i2", 5), event("l3", "u2", "i9", 66), event("g1", "gone", "i1", 61), event("g2", "gone", "i1", 70)]),
  );
  await put(lake, "tombstones/gone.json", JSON.stringify({ user_id: "gone", erased_at: at(62) }));
  await put(lake, "dead-letter/dt=2026-12-01/hour=11/1-x.json", "{}");
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fetch that answers the Worker's admin event-log API from `folder`, checking the key it is given. */
function fakeWorkerFetch(folder: string, key: string): typeof fetch {
  const source = folderLakeSource(folder);
  return (async (input: URL | RequestInfo, init?: RequestInit) => {
    const url = new URL(String(input));
    if (new Headers(init?.headers).get("authorization") !== `Bearer ${key}`) return new Response("{}", { status: 401 });
    if (url.pathname === "/v1/admin/event-log") {
      const prefix = url.searchParams.get("prefix")!;
      const keys: string[] = [];
      for await (const k of source.list(prefix)) keys.push(k);
      // Two objects per page, to exercise the cursor.
      const start = Number(url.searchParams.get("cursor") ?? 0);
      const page = keys.slice(start, start + 2).map((k) => ({ key: k, size: 0, uploaded: "" }));
      return Response.json({ objects: page, cursor: start + 2 < keys.length ? String(start + 2) : null });
    }
    if (url.pathname === "/v1/admin/event-log/object") return new Response(Buffer.from(await source.read(url.searchParams.get("key")!)));
    return new Response("{}", { status: 404 });
  }) as typeof fetch;
}

async function collect(source: LakeSource, since?: number): Promise<string[]> {
  const ids: string[] = [];
  for await (const { event: e } of readLakeEvents(source, new LoadIssueLog({ maxSamples: 10 }), since === undefined ? {} : { since }))
    ids.push(e.event_id);
  return ids;
}

describe("reading the lake", () => {
  it("reads gzip and plain objects, in partition order, from a folder and through the Worker alike", async () => {
    const fromFolder = await collect(folderLakeSource(lake));
    expect(fromFolder).toEqual(["l1", "b1", "l2", "l1", "l3", "g1", "g2"]);
    const fromWorker = await collect(
      workerLakeSource({ url: "http://edge.test", key: "k-admin", fetch: fakeWorkerFetch(lake, "k-admin") }),
    );
    expect(fromWorker).toEqual(fromFolder);
  });

  it("skips partitions that ended before `since`", async () => {
    expect(await lakeEventKeys(folderLakeSource(lake), { since: at(60) })).toEqual([`events/dt=2026-12-01/hour=11/${at(65)}-b.ndjson`]);
    expect(await collect(folderLakeSource(lake), at(60))).toEqual(["l1", "l3", "g1", "g2"]);
  });

  it("says which call failed when the Worker refuses", async () => {
    const source = workerLakeSource({ url: "http://edge.test", key: "wrong", fetch: fakeWorkerFetch(lake, "k-admin") });
    await expect(collect(source)).rejects.toThrow(
      /event lake at http:\/\/edge\.test: GET \/v1\/admin\/event-log\?prefix=events%2F failed: 401/,
    );
  });
});

describe("merging the lake into an event-log folder", () => {
  it("dedupes across folder and lake, honours the lake's tombstones, adds new users and sorts by time", async () => {
    const dataset = await loadEventLogFolder(base, { lake: folderLakeSource(lake) });
    const rows = Array.from({ length: dataset.events.length }, (_, k) => [
      dataset.users.ids.idAt(dataset.events.users[k]!),
      dataset.items.ids.idAt(dataset.events.items[k]!),
      (dataset.events.timestamps[k]! - T0) / 60_000,
    ]);
    expect(rows).toEqual([
      ["u1", "i1", -120],
      ["u2", "i2", -60],
      ["u1", "i2", 5],
      ["new-user", "i3", 6],
      ["gone", "i1", 70],
    ]);
    expect(dataset.users.ids.has("new-user")).toBe(true);
    expect(dataset.issues.notes.join("\n")).toMatch(/event lake \(folder .*\): 3 new event\(s\) merged, 2 repeat\(s\) dropped/);
    expect(dataset.issues.notes.join("\n")).toMatch(/erasure tombstones: 1 user\(s\); 1 event\(s\)/);
    const reported = dataset.issues.samples.map((issue) => issue.message);
    expect(reported.some((message) => message.includes('unknown item_id "i9"'))).toBe(true);
    expect(reported.some((message) => message.includes("duplicate"))).toBe(false);
    expect(dataset.issues.countsByFile[`events/dt=2026-12-01/hour=10/${at(5)}-a.ndjson.gz`]).toBe(1);
  });
});

describe("purge-erased on the lake's layout", () => {
  it("rewrites gzip objects without the erased events, still gzip", async () => {
    const gz = `events/dt=2026-12-01/hour=10/${at(5)}-a.ndjson.gz`;
    await put(lake, gz, gzipSync(ndjson([event("g0", "gone", "i1", 1), event("k0", "u1", "i1", 2)])));
    const report = await purgeErasedEvents(lake);
    expect(report.rewritten.map((entry) => entry.file).sort()).toEqual([`events/dt=2026-12-01/hour=11/${at(65)}-b.ndjson`, gz].sort());
    const kept = gunzipSync(await readFile(join(lake, gz))).toString("utf8");
    expect(
      kept
        .trimEnd()
        .split("\n")
        .map((text) => JSON.parse(text).event_id),
    ).toEqual(["k0"]);
  });
});

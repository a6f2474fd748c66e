/**
 * The catalogue's single writer in workerd: simultaneous admin writes — flags on many items, flags
 * on one item, additions, removals — all stick, in the status route, in the KV records and in what
 * every serving path leaves out; and after a burst KV holds exactly the CatalogState object's state.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type BlockedItems, kvKeys, type PopularList } from "../../shared/artifacts/kv-keys";
import { catalogStateFor } from "../../workers/catalog/catalog-state-client";
import { fanOf, itemId, seedFixture } from "./fixture";
import { call, json } from "./helpers";

beforeAll(seedFixture);

const sendJson = (method: string, path: string, body: unknown) =>
  call(path, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const putStatus = (item: string, body: unknown) => sendJson("PUT", `/v1/items/${item}/status`, body);
const status = (item: string) => call(`/v1/items/${item}/status`).then(json);
const addItem = (item: string, values: number[]) => sendJson("PUT", `/v1/items/${item}`, { title: item, genres: ["Drama"], values });
const deleteItem = (item: string) => call(`/v1/items/${item}`, { method: "DELETE" });

async function okJson(path: string): Promise<any> {
  const response = await call(path);
  expect(response.status, path).toBe(200);
  return json(response);
}

const ids = (body: { items: { item_id: string }[] }) => body.items.map((item) => item.item_id);
const sorted = (list: readonly string[] | undefined) => [...(list ?? [])].sort();
const blockedRecord = async () => (await env.KV.get<BlockedItems>(kvKeys.blockedItems, "json"))!;
const freshIds = async () => ((await env.KV.get<PopularList>(kvKeys.freshItems, "json"))?.items ?? []).map((item) => item.itemId);

/** Items each serving path shows: trending, similar items of a Comedy item, a Comedy fan's home list, more like this. */
async function served(): Promise<Record<"trending" | "similar" | "home" | "more_like_this", string[]>> {
  const [trending, similar, home, moreLikeThis] = await Promise.all([
    okJson("/v1/trending?n=50"),
    okJson(`/v1/items/${itemId(1, 3)}/similar?n=5`),
    okJson(`/v1/recommendations?user_id=${fanOf(1)}&n=10`),
    okJson(`/v1/recommendations?user_id=${fanOf(0)}&surface=more_like_this&item_id=${itemId(1, 3)}&n=5`),
  ]);
  return { trending: ids(trending), similar: ids(similar), home: ids(home), more_like_this: ids(moreLikeThis) };
}

/** Bursts of 30 admin writes plus the serving checks take seconds in workerd: well past Vitest's 5 s default is allowed. */
const BURST_TIMEOUT_MS = 60_000;

const statusCodes = (responses: Response[]) => responses.map((response) => response.status);
const all200 = (count: number) => new Array<number>(count).fill(200);

describe("CatalogState: simultaneous admin writes", () => {
  it(
    "keeps all of 30 simultaneous unsafe flags on 30 items, and no serving path shows them; clearing them all serves them again",
    async () => {
      // Every Action, Comedy and Drama item; the ten Horror items stay servable.
      const flagged = [0, 1, 2].flatMap((c) => Array.from({ length: 10 }, (_, i) => itemId(c, i)));
      expect(statusCodes(await Promise.all(flagged.map((item) => putStatus(item, { unsafe: true }))))).toEqual(all200(30));

      expect(await Promise.all(flagged.map(status))).toEqual(
        flagged.map((item) => ({ item_id: item, unsafe: true, available: true, blocked: false })),
      );
      expect(sorted((await blockedRecord()).unsafe)).toEqual(sorted(flagged));
      const shown = await served();
      for (const [path, list] of Object.entries(shown)) {
        expect(
          list.filter((item) => flagged.includes(item)),
          path,
        ).toEqual([]);
      }
      // The paths still serve: Horror is all that is left.
      expect(shown.trending).toContain(itemId(3, 0));
      expect(shown.similar.every((item) => item.startsWith("i-horror-"))).toBe(true);
      expect(shown.similar).toHaveLength(5);

      expect(statusCodes(await Promise.all(flagged.map((item) => putStatus(item, { unsafe: false }))))).toEqual(all200(30));
      expect((await blockedRecord()).unsafe).toEqual([]);
      // Dot product with Comedy 3: the other Comedy items, lowest index first.
      expect((await served()).similar).toEqual([0, 1, 2, 4, 5].map((i) => itemId(1, i)));
    },
    BURST_TIMEOUT_MS,
  );

  it(
    "keeps both flags when 30 simultaneous requests set different flags on one item, and clears both likewise",
    async () => {
      const item = itemId(3, 5);
      const similarOfNeighbour = async () => ids(await okJson(`/v1/items/${itemId(3, 4)}/similar?n=5`));
      expect(await similarOfNeighbour()).toContain(item);

      const setting = Array.from({ length: 30 }, (_, i) => putStatus(item, i % 2 === 0 ? { unsafe: true } : { available: false }));
      expect(statusCodes(await Promise.all(setting))).toEqual(all200(30));
      expect(await status(item)).toEqual({ item_id: item, unsafe: true, available: false, blocked: false });
      const record = await blockedRecord();
      expect([record.unsafe, record.unavailable]).toEqual([[item], [item]]);
      expect(await similarOfNeighbour()).not.toContain(item);
      expect(ids(await okJson(`/v1/recommendations?user_id=${fanOf(3)}&n=10`))).not.toContain(item);

      const clearing = Array.from({ length: 30 }, (_, i) => putStatus(item, i % 2 === 0 ? { unsafe: false } : { available: true }));
      expect(statusCodes(await Promise.all(clearing))).toEqual(all200(30));
      expect(await status(item)).toEqual({ item_id: item, unsafe: false, available: true, blocked: false });
      expect(await similarOfNeighbour()).toContain(item);
    },
    BURST_TIMEOUT_MS,
  );

  it(
    "keeps all of 30 simultaneous additions in the fresh list, and all of 30 simultaneous removals blocked and out of every list",
    async () => {
      const added = Array.from({ length: 30 }, (_, i) => `burst-${String(i).padStart(2, "0")}`);
      const responses = await Promise.all(added.map((item, i) => addItem(item, [0.05, 0.05, 1.1 - i * 0.001, 0.05])));
      expect(statusCodes(responses)).toEqual(all200(30));
      expect(sorted(await freshIds())).toEqual(added);

      // The pipeline publishes a popular list that names them (a list trained before the removals).
      const trained = (await env.KV.get<PopularList>(kvKeys.popularAll, "json"))!;
      await env.KV.put(
        kvKeys.popularAll,
        JSON.stringify({ ...trained, items: [...trained.items, ...added.map((item) => ({ itemId: item, score: 1, category: "Drama" }))] }),
      );

      const removals = await Promise.all(added.map(deleteItem));
      expect(statusCodes(removals)).toEqual(all200(30));
      const bodies = await Promise.all(removals.map((response) => json(response)));
      expect(bodies).toEqual(
        added.map((item) => ({ item_id: item, was_indexed: true, popular_lists: [kvKeys.popularAll], was_fresh: true, blocked: true })),
      );

      expect(await Promise.all(added.map(status))).toEqual(
        added.map((item) => ({ item_id: item, unsafe: false, available: true, blocked: true })),
      );
      const record = await blockedRecord();
      expect(sorted(record.itemIds.filter((item) => item.startsWith("burst-")))).toEqual(added);
      expect((await freshIds()).filter((item) => item.startsWith("burst-"))).toEqual([]);
      expect(await env.KV.get<PopularList>(kvKeys.popularAll, "json")).toEqual(trained);
    },
    BURST_TIMEOUT_MS,
  );

  it(
    "leaves KV holding exactly the object's state after a mixed burst",
    async () => {
      const flagged = [itemId(0, 4), itemId(1, 6), itemId(2, 7)];
      const removed = [itemId(0, 8), itemId(3, 8)];
      const fresh = ["mixed-a", "mixed-b", "mixed-c"];
      const burst = await Promise.all([
        ...flagged.map((item) => putStatus(item, { unsafe: true })),
        putStatus(itemId(2, 7), { available: false }),
        ...removed.map(deleteItem),
        ...fresh.map((item) => addItem(item, [0.05, 1.1, 0.05, 0.05])),
        sendJson("PUT", `/v1/items/mixed-d`, { genres: ["Comedy"], values: [0.05, 1.1, 0.05, 0.05], available: false }),
      ]);
      expect(statusCodes(burst)).toEqual(all200(10));

      const view = await catalogStateFor(env).view();
      expect(view.published).toEqual(view.versions);
      const record = await blockedRecord();
      expect({ itemIds: record.itemIds, unsafe: record.unsafe, unavailable: record.unavailable }).toEqual({
        itemIds: view.state.blocked,
        unsafe: view.state.unsafe,
        unavailable: view.state.unavailable,
      });
      expect((await env.KV.get<PopularList>(kvKeys.freshItems, "json"))!.items).toEqual(view.state.fresh);

      // What the burst asked for, whatever the order it was applied in.
      expect(sorted(view.state.unsafe)).toEqual(sorted(flagged));
      expect(sorted(view.state.unavailable)).toEqual(sorted([itemId(2, 7), "mixed-d"]));
      expect(removed.every((item) => view.state.blocked.includes(item))).toBe(true);
      expect(sorted(view.state.fresh.map((item) => item.itemId).filter((item) => item.startsWith("mixed-")))).toEqual([
        ...fresh,
        "mixed-d",
      ]);
    },
    BURST_TIMEOUT_MS,
  );
});

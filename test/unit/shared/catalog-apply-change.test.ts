/**
 * The catalogue's state changes (shared/catalog/apply-catalog-change.ts) and its KV records
 * (catalog-snapshot.ts): each change as a whole, the lists' bounds exactly at their edges, and the
 * import of records written before the CatalogState object existed. Expected states written by hand.
 */
import { describe, expect, it } from "vitest";
import type { PopularItem } from "../../../shared/artifacts/kv-keys";
import { applyCatalogChange, type AppliedCatalogChange, listEdits } from "../../../shared/catalog/apply-catalog-change";
import {
  blockedRecordOf,
  CATALOG_LIST_LIMITS,
  type CatalogSnapshot,
  EMPTY_CATALOG,
  freshListOf,
  itemStatusOf,
  snapshotOfRecords,
} from "../../../shared/catalog/catalog-snapshot";

const entry = (itemId: string, score = 1): PopularItem => ({ itemId, score, category: "Drama" });
const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

function applied(result: AppliedCatalogChange): Extract<AppliedCatalogChange, { ok: true }> {
  if (!result.ok) throw new Error(`refused: ${result.message}`);
  return result;
}

const state: CatalogSnapshot = { blocked: ["b1"], unsafe: ["u1"], unavailable: [], fresh: [entry("f1"), entry("f2")] };

describe("applyCatalogChange", () => {
  it("sets and clears flags, newest last, and reports only the status record changed", () => {
    const flagged = applied(applyCatalogChange(state, { itemId: "x", unsafe: true, unavailable: true }));
    expect(flagged.state).toEqual({ blocked: ["b1"], unsafe: ["u1", "x"], unavailable: ["x"], fresh: [entry("f1"), entry("f2")] });
    expect(flagged.changed).toEqual({ status: true, fresh: false });
    expect(flagged.state.fresh).toBe(state.fresh);

    const cleared = applied(applyCatalogChange(flagged.state, { itemId: "u1", unsafe: false }));
    expect(cleared.state.unsafe).toEqual(["x"]);
    expect(itemStatusOf(cleared.state, "x")).toEqual({ item_id: "x", unsafe: true, available: false, blocked: false });
    expect(itemStatusOf(cleared.state, "u1")).toEqual({ item_id: "u1", unsafe: false, available: true, blocked: false });
  });

  it("changes nothing when the item already has the asked status", () => {
    const same = applied(applyCatalogChange(state, { itemId: "u1", unsafe: true, unavailable: false, blocked: false }));
    expect(same.changed).toEqual({ status: false, fresh: false });
    expect(same.state.unsafe).toBe(state.unsafe);
    expect(same.state.blocked).toBe(state.blocked);
    const notFresh = applied(applyCatalogChange(state, { itemId: "zz", fresh: null }));
    expect(notFresh).toMatchObject({ changed: { status: false, fresh: false }, wasFresh: false });
  });

  it("adds an item: unblocked, flagged as asked, at the front of the fresh list (moved, not doubled)", () => {
    const added = applied(applyCatalogChange(state, { itemId: "b1", blocked: false, unavailable: true, fresh: entry("b1", 9) }));
    expect(added.state).toEqual({ blocked: [], unsafe: ["u1"], unavailable: ["b1"], fresh: [entry("b1", 9), entry("f1"), entry("f2")] });
    expect(added.changed).toEqual({ status: true, fresh: true });
    const again = applied(applyCatalogChange(added.state, { itemId: "f2", blocked: false, fresh: entry("f2", 10) }));
    expect(again.state.fresh).toEqual([entry("f2", 10), entry("b1", 9), entry("f1")]);
    expect(again.wasFresh).toBe(true);
  });

  it("removes an item: blocked (newest last) and out of the fresh list", () => {
    const removed = applied(applyCatalogChange(state, { itemId: "f1", blocked: true, fresh: null }));
    expect(removed.state).toEqual({ blocked: ["b1", "f1"], unsafe: ["u1"], unavailable: [], fresh: [entry("f2")] });
    expect(removed).toMatchObject({ changed: { status: true, fresh: true }, wasFresh: true });
    // Blocking again keeps its place.
    expect(applied(applyCatalogChange(removed.state, { itemId: "b1", blocked: true })).state.blocked).toEqual(["b1", "f1"]);
  });

  it("keeps the newest 10 000 blocked items: the 10 001st block drops the oldest", () => {
    const full: CatalogSnapshot = { ...EMPTY_CATALOG, blocked: ids("b", CATALOG_LIST_LIMITS.blockedItems) };
    expect(CATALOG_LIST_LIMITS.blockedItems).toBe(10_000);
    const blocked = applied(applyCatalogChange(full, { itemId: "new", blocked: true })).state.blocked;
    expect(blocked).toHaveLength(10_000);
    expect([blocked[0], blocked[9_998], blocked[9_999]]).toEqual(["b1", "b9999", "new"]);
  });

  it("refuses a flag past 10 000 flagged items (409 flag_list_full), accepts the 10 000th, and still clears", () => {
    expect(CATALOG_LIST_LIMITS.flaggedItems).toBe(10_000);
    const almost: CatalogSnapshot = { ...EMPTY_CATALOG, unsafe: ids("u", 9_999), unavailable: ids("n", 10_000) };
    const last = applied(applyCatalogChange(almost, { itemId: "x", unsafe: true }));
    expect(last.state.unsafe).toHaveLength(10_000);

    const refused = applyCatalogChange(last.state, { itemId: "y", unsafe: true });
    expect(refused).toMatchObject({ ok: false, code: "flag_list_full" });
    expect(applyCatalogChange(last.state, { itemId: "y", unavailable: true })).toMatchObject({ ok: false, code: "flag_list_full" });
    // The whole change is refused: the block that came with the flag is not applied either.
    expect(applyCatalogChange(last.state, { itemId: "y", unsafe: true, blocked: true })).toMatchObject({ ok: false });

    expect(applied(applyCatalogChange(last.state, { itemId: "x", unsafe: true })).changed.status).toBe(false);
    expect(applied(applyCatalogChange(last.state, { itemId: "u0", unsafe: false })).state.unsafe).toHaveLength(9_999);
    // A full flag list does not stop other changes.
    expect(applied(applyCatalogChange(last.state, { itemId: "y", blocked: true })).state.blocked).toEqual(["y"]);
  });

  it("keeps the 200 newest fresh items", () => {
    const full: CatalogSnapshot = { ...EMPTY_CATALOG, fresh: ids("f", 200).map((id) => entry(id)) };
    const fresh = applied(applyCatalogChange(full, { itemId: "new", fresh: entry("new") })).state.fresh;
    expect(fresh.map((item) => item.itemId)).toEqual(["new", ...ids("f", 199)]);
  });
});

describe("catalogue records", () => {
  it("imports a record written before flags existed, and a fresh list", () => {
    const imported = snapshotOfRecords(
      { updatedAt: "2026-01-01T00:00:00.000Z", itemIds: ["a", "b", "a"] },
      { generatedAt: "2026-01-01T00:00:00.000Z", items: [entry("f1", 2), entry("f2"), entry("f1", 1)] },
    );
    expect(imported).toEqual({ blocked: ["a", "b"], unsafe: [], unavailable: [], fresh: [entry("f1", 2), entry("f2")] });
    expect(snapshotOfRecords(null, null)).toEqual(EMPTY_CATALOG);
  });

  it("publishes the state as the records the serving paths read", () => {
    expect(blockedRecordOf(state, "2026-02-01T00:00:00.000Z")).toEqual({
      updatedAt: "2026-02-01T00:00:00.000Z",
      itemIds: ["b1"],
      unsafe: ["u1"],
      unavailable: [],
    });
    expect(freshListOf(state, "2026-02-01T00:00:00.000Z")).toEqual({
      generatedAt: "2026-02-01T00:00:00.000Z",
      items: [entry("f1"), entry("f2")],
    });
  });

  it("lists the edits between two versions of an id list", () => {
    expect(listEdits(["a", "b", "c"], ["b", "c", "d", "e"])).toEqual({ added: ["d", "e"], removed: ["a"] });
    expect(listEdits([], [])).toEqual({ added: [], removed: [] });
  });
});

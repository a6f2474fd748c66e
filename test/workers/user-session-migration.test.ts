/**
 * UserSession schema v5: an object written with one exposures row per served item (v4) comes out
 * of the migration with one row per response — items in position order, the bound counted in items,
 * the A/B credits it had kept (credited once: a second click on the same served item credits nothing).
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { UserSession } from "../../durable-objects/user-session";
import { USER_SESSION_MIGRATIONS } from "../../durable-objects/user-session-schema";
import { SessionStore } from "../../durable-objects/user-session/session-store";

describe("UserSession migration to one exposures row per response", () => {
  it("groups v4's per-item rows by request, keeps positions, categories, sources and credits", async () => {
    const stub = env.USER_SESSION.getByName("migration-v5");
    const result = await runInDurableObject(stub, (_: UserSession, state) => {
      const sql = state.storage.sql;
      sql.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
      for (const migration of USER_SESSION_MIGRATIONS.slice(0, 4)) sql.exec(migration);
      sql.exec(`INSERT INTO meta (key, value) VALUES ('schema_version', '4')`);
      const rows: [string, string, number, string, string | null, string | null, number, number, number][] = [
        ["req-1", "a", 0, "ann", "Drama", null, 1000, 0, 0],
        ["req-1", "c", 2, "exploration", "Jazz", "fresh", 1000, 1, 0],
        ["req-1", "b", 1, "trending", null, null, 1000, 0, 1],
        ["req-2", "a", 0, "ann", "Drama", null, 2000, 0, 0],
      ];
      for (const row of rows) {
        sql.exec(
          `INSERT INTO exposures (request_id, item_id, position, source, category, exploration_source, ts, clicked, converted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          ...row,
        );
      }
      const store = new SessionStore(sql);
      store.migrate();
      return {
        version: store.meta("schema_version"),
        rows: sql
          .exec<{ request_id: string; ts: number; n: number; items: string }>(
            `SELECT request_id, ts, n, items FROM exposures ORDER BY rowid`,
          )
          .toArray(),
        count: store.exposureCount(),
        shown: store.shown(10),
        viaRequest: store.exposureOf("c", "req-1"),
        latest: store.exposureOf("a", undefined),
        clickAgain: store.markExposureCredited("clicked", "req-1", "c"),
        clickOther: store.markExposureCredited("clicked", "req-1", "a"),
        notServed: store.markExposureCredited("clicked", "req-2", "c"),
        oldTable: sql.exec<{ n: number }>(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'exposures_by_item'`).one().n,
      };
    });
    expect(result.version).toBe(String(USER_SESSION_MIGRATIONS.length));
    expect(result.rows).toEqual([
      {
        request_id: "req-1",
        ts: 1000,
        n: 3,
        items: JSON.stringify([
          ["a", "ann", "Drama", null],
          ["b", "trending", null, null],
          ["c", "exploration", "Jazz", "fresh"],
        ]),
      },
      { request_id: "req-2", ts: 2000, n: 1, items: JSON.stringify([["a", "ann", "Drama", null]]) },
    ]);
    expect(result.count).toBe(4);
    expect(result.shown).toEqual(["a", "b", "c"]);
    expect(result.viaRequest).toEqual({ category: "Jazz", exploration_source: "fresh" });
    expect(result.latest).toEqual({ category: "Drama", exploration_source: null });
    expect(result.clickAgain).toBe(false);
    expect(result.clickOther).toBe(true);
    expect(result.notServed).toBe(false);
    expect(result.oldTable).toBe(0);
  });
});

/**
 * CatalogState: the single writer of the catalogue's serving state — item blocks, the `unsafe` /
 * `unavailable` flags and the fresh items — kept in SQLite (the source of truth) and published to
 * the KV records every serving path reads (`catalog:blocked`, `catalog:fresh`), so a request still
 * pays one KV read for blocks and flags. One instance (CATALOG_STATE_NAME) takes every admin
 * change: each is applied whole (shared/catalog/apply-catalog-change.ts) and stored in one
 * transaction, then published; publishes run one after another and coalesce
 * (shared/catalog/catalog-publisher.ts), so no update is lost and KV never goes backwards. A
 * write answers once its change is stored and published; when KV refuses the record the change
 * stays stored, the write answers `catalog_publish_failed` and an alarm retries the publish. On
 * first use the object imports the records a Worker wrote to KV before it existed. Removals' edits
 * of the popular lists run here too, one at a time.
 */
import { DurableObject } from "cloudflare:workers";
import { type BlockedItems, kvKeys, type PopularItem, type PopularList } from "../shared/artifacts/kv-keys";
import {
  type AppliedCatalogChange,
  applyCatalogChange,
  CATALOG_RECORDS,
  type CatalogChange,
  type CatalogRecord,
  idListsOf,
  listEdits,
} from "../shared/catalog/apply-catalog-change";
import { forgetKvValues } from "../workers/store/kv-store";
import { CatalogPublisher } from "../shared/catalog/catalog-publisher";
import {
  blockedRecordOf,
  CATALOG_ID_LISTS,
  type CatalogSnapshot,
  EMPTY_CATALOG,
  freshListOf,
  type ItemStatus,
  itemStatusOf,
  snapshotOfRecords,
} from "../shared/catalog/catalog-snapshot";
import type { CatalogWriteOutcome } from "../shared/catalog/catalog-write-outcome";
import {
  NEW_ITEM_FOLD_IN_DEFAULTS,
  type NewItemFoldInDue,
  type NewItemFoldInOptions,
  type NewItemInteraction,
} from "../shared/catalog/new-item-fold-in";
import { createLogger, type Logger, logLevelFrom } from "../workers/logger/logger";
import { removeFromPopularList } from "../workers/store/remove-from-popular-list";

/** How long after a failed publish the alarm tries again, in milliseconds (and again after each failure). */
export const CATALOG_PUBLISH_RETRY_MS = 10_000;

/** The KV key each record is published under. */
const RECORD_KEYS: Record<CatalogRecord, string> = { status: kvKeys.blockedItems, fresh: kvKeys.freshItems };

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS id_lists (list TEXT NOT NULL, item_id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (list, item_id));
  CREATE INDEX IF NOT EXISTS id_lists_order ON id_lists (list, seq);
  CREATE TABLE IF NOT EXISTS fresh (position INTEGER PRIMARY KEY, item_id TEXT NOT NULL, entry TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS new_item_users (item_id TEXT NOT NULL, user_id TEXT NOT NULL, weight REAL NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (item_id, user_id));
  CREATE TABLE IF NOT EXISTS new_item_pending (item_id TEXT PRIMARY KEY, pending INTEGER NOT NULL);`;

/** Counters in `meta`: the import marker, the id lists' sequence, each record's version and published version. */
type MetaKey = "imported" | "seq" | "new_item_seq" | `${CatalogRecord}_version` | `${CatalogRecord}_published`;

/** The object's state as a test or an operator sees it. */
export interface CatalogStateView {
  state: CatalogSnapshot;
  /** Each record's newest version, and the version known to be in KV. */
  versions: Record<CatalogRecord, number>;
  published: Record<CatalogRecord, number>;
}

/** What a removal changed in the catalogue state and the popular lists. */
export interface CatalogRemoval {
  wasFresh: boolean;
  /** KV keys of the popular lists the item was taken out of. */
  popularLists: string[];
}

/** The catalogue's single writer. */
export class CatalogState extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /**
   * Where records are read from at import and published to: `env.KV`. A workerd test swaps in a
   * namespace whose puts fail, since the local KV cannot be made to fail (our keys and values are
   * far inside its limits).
   */
  protected kv: KVNamespace;
  private state: CatalogSnapshot = EMPTY_CATALOG;
  private versions: Record<CatalogRecord, number> = { status: 0, fresh: 0 };
  private published: Record<CatalogRecord, number> = { status: 0, fresh: 0 };
  private readonly publisher: CatalogPublisher;
  private readonly logger: Logger;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.logger = createLogger({ object: "CatalogState" }, { level: logLevelFrom(env.LOG_LEVEL) });
    this.kv = env.KV;
    this.publisher = new CatalogPublisher({
      current: () => ({
        status: { version: this.versions.status, render: () => JSON.stringify(blockedRecordOf(this.state, new Date().toISOString())) },
        fresh: { version: this.versions.fresh, render: () => JSON.stringify(freshListOf(this.state, new Date().toISOString())) },
      }),
      published: () => this.published,
      write: (record, value) => this.kv.put(RECORD_KEYS[record], value),
      markPublished: (record, version) => {
        this.published = { ...this.published, [record]: version };
        this.setMeta(`${record}_published`, version);
        // Where the Worker shares this isolate (locally), its next request reads the published record.
        forgetKvValues(this.env.KV, RECORD_KEYS[record]);
      },
    });
    ctx.blockConcurrencyWhile(async () => {
      this.sql.exec(SCHEMA);
      if (this.meta("imported") === 0) await this.importFromKv();
      this.load();
      if (CATALOG_RECORDS.some((record) => this.published[record] < this.versions[record])) await this.scheduleRetry();
    });
  }

  /** One item's status, as stored. */
  async status(itemId: string): Promise<ItemStatus> {
    return itemStatusOf(this.state, itemId);
  }

  /** Sets or clears an item's flags; answers its new status once stored and published. */
  async setFlags(itemId: string, flags: Pick<CatalogChange, "unsafe" | "unavailable">): Promise<CatalogWriteOutcome<ItemStatus>> {
    const written = await this.write({ ...flags, itemId });
    return written.ok ? { ok: true, value: itemStatusOf(this.state, itemId) } : written;
  }

  /** An item added to the catalogue: unblocked, its flags set, and at the front of the fresh list, in one change. */
  async addItem(entry: PopularItem, flags: Pick<CatalogChange, "unsafe" | "unavailable">): Promise<CatalogWriteOutcome<ItemStatus>> {
    const written = await this.write({ ...flags, itemId: entry.itemId, blocked: false, fresh: entry });
    return written.ok ? { ok: true, value: itemStatusOf(this.state, entry.itemId) } : written;
  }

  /**
   * An item removed from the catalogue: blocked and out of the fresh list in one change, then —
   * once that is published — taken out of the popular lists under `popularListKeys`, after every
   * edit queued before it.
   */
  async removeItem(itemId: string, popularListKeys: string[]): Promise<CatalogWriteOutcome<CatalogRemoval>> {
    const written = await this.write({ itemId, blocked: true, fresh: null });
    if (!written.ok) return written;
    const removed = await this.publisher.serially(() =>
      Promise.all(popularListKeys.map((key) => removeFromPopularList(this.kv, key, itemId))),
    );
    return { ok: true, value: { wasFresh: written.value.wasFresh, popularLists: popularListKeys.filter((_, i) => removed[i]) } };
  }

  /** The whole state, each record's version and what is published. */
  async view(): Promise<CatalogStateView> {
    return { state: this.state, versions: this.versions, published: this.published };
  }

  /**
   * Records interactions with fresh items (others are ignored) and answers the items due for a new
   * vector — those with `everyEvents` interactions since their last refresh — with their most recent
   * users (item fold-in, shared/catalog/new-item-fold-in.ts). Each item keeps at most `maxUsers` users.
   */
  async recordNewItemInteractions(
    interactions: NewItemInteraction[],
    options: NewItemFoldInOptions = NEW_ITEM_FOLD_IN_DEFAULTS,
  ): Promise<NewItemFoldInDue[]> {
    const fresh = new Set(this.state.fresh.map((item) => item.itemId));
    const touched = new Set<string>();
    const due: NewItemFoldInDue[] = [];
    this.ctx.storage.transactionSync(() => {
      // Items that left the fresh list (removed, or pushed out by newer ones) are trained by the next release.
      this.sql.exec(`DELETE FROM new_item_users WHERE item_id NOT IN (SELECT item_id FROM fresh)`);
      this.sql.exec(`DELETE FROM new_item_pending WHERE item_id NOT IN (SELECT item_id FROM fresh)`);
      let seq = this.meta("new_item_seq");
      for (const { itemId, userId, weight } of interactions) {
        if (!fresh.has(itemId) || weight === 0 || !Number.isFinite(weight)) continue;
        this.sql.exec(
          `INSERT INTO new_item_users (item_id, user_id, weight, seq) VALUES (?, ?, ?, ?)
           ON CONFLICT (item_id, user_id) DO UPDATE SET weight = weight + excluded.weight, seq = excluded.seq`,
          itemId,
          userId,
          weight,
          ++seq,
        );
        this.sql.exec(
          `INSERT INTO new_item_pending (item_id, pending) VALUES (?, 1) ON CONFLICT (item_id) DO UPDATE SET pending = pending + 1`,
          itemId,
        );
        touched.add(itemId);
      }
      this.setMeta("new_item_seq", seq);
      for (const itemId of touched) {
        this.sql.exec(
          `DELETE FROM new_item_users WHERE item_id = ? AND seq NOT IN (SELECT seq FROM new_item_users WHERE item_id = ? ORDER BY seq DESC LIMIT ?)`,
          itemId,
          itemId,
          options.maxUsers,
        );
        const pending = this.sql.exec<{ pending: number }>(`SELECT pending FROM new_item_pending WHERE item_id = ?`, itemId).one().pending;
        if (pending < options.everyEvents) continue;
        this.sql.exec(`UPDATE new_item_pending SET pending = 0 WHERE item_id = ?`, itemId);
        const users = this.sql
          .exec<{ user_id: string; weight: number }>(
            `SELECT user_id, weight FROM new_item_users WHERE item_id = ? ORDER BY seq DESC`,
            itemId,
          )
          .toArray()
          .map((row) => ({ userId: row.user_id, weight: row.weight }));
        due.push({ itemId, users });
      }
    });
    return due;
  }

  /** Retries a failed publish; schedules the next try while KV keeps failing. */
  override async alarm(): Promise<void> {
    try {
      await this.publisher.publish(this.versions);
    } catch (error) {
      this.warn("retried publish failed", error);
      await this.scheduleRetry();
    }
  }

  /** Applies and stores `change`, then publishes every record up to the versions it made. */
  private async write(change: CatalogChange): Promise<CatalogWriteOutcome<Extract<AppliedCatalogChange, { ok: true }>>> {
    const applied = applyCatalogChange(this.state, change);
    if (!applied.ok) return applied;
    this.store(applied);
    try {
      await this.publisher.publish(this.versions);
    } catch (error) {
      this.warn("publish failed", error);
      await this.scheduleRetry();
      return {
        ok: false,
        code: "catalog_publish_failed",
        message: `the change to '${change.itemId}' is stored but KV did not take the catalogue record; it is retried every ${CATALOG_PUBLISH_RETRY_MS / 1000} s, and serving paths may not reflect it until then`,
      };
    }
    return { ok: true, value: applied };
  }

  /** Stores an applied change in one transaction and bumps the versions of the records it changed. */
  private store(applied: Extract<AppliedCatalogChange, { ok: true }>): void {
    if (!applied.changed.status && !applied.changed.fresh) return;
    const versions = { ...this.versions };
    this.ctx.storage.transactionSync(() => {
      this.writeState(this.state, applied.state);
      for (const record of CATALOG_RECORDS) {
        if (!applied.changed[record]) continue;
        versions[record] += 1;
        this.setMeta(`${record}_version`, versions[record]);
      }
    });
    this.state = applied.state;
    this.versions = versions;
  }

  /** Writes what differs between `before` and `after` (inside a transaction). */
  private writeState(before: CatalogSnapshot, after: CatalogSnapshot): void {
    const [was, is] = [idListsOf(before), idListsOf(after)];
    let seq = this.meta("seq");
    for (const list of CATALOG_ID_LISTS) {
      if (was[list] === is[list]) continue;
      const { added, removed } = listEdits(was[list], is[list]);
      for (const itemId of removed) this.sql.exec(`DELETE FROM id_lists WHERE list = ? AND item_id = ?`, list, itemId);
      for (const itemId of added) this.sql.exec(`INSERT INTO id_lists (list, item_id, seq) VALUES (?, ?, ?)`, list, itemId, ++seq);
    }
    this.setMeta("seq", seq);
    if (before.fresh !== after.fresh) {
      this.sql.exec(`DELETE FROM fresh`);
      after.fresh.forEach((item, position) => {
        this.sql.exec(`INSERT INTO fresh (position, item_id, entry) VALUES (?, ?, ?)`, position, item.itemId, JSON.stringify(item));
      });
    }
  }

  /** Stores the records a Worker wrote to KV before this object existed (both already published). */
  private async importFromKv(): Promise<void> {
    const [blocked, fresh] = await Promise.all([
      this.kv.get<BlockedItems>(kvKeys.blockedItems, "json"),
      this.kv.get<PopularList>(kvKeys.freshItems, "json"),
    ]);
    const imported = snapshotOfRecords(blocked, fresh);
    this.ctx.storage.transactionSync(() => {
      this.writeState(EMPTY_CATALOG, imported);
      this.setMeta("imported", 1);
    });
  }

  /** Reads the state and versions from SQLite. */
  private load(): void {
    const ids = (list: string) =>
      this.sql
        .exec<{ item_id: string }>(`SELECT item_id FROM id_lists WHERE list = ? ORDER BY seq`, list)
        .toArray()
        .map((row) => row.item_id);
    this.state = {
      blocked: ids("blocked"),
      unsafe: ids("unsafe"),
      unavailable: ids("unavailable"),
      fresh: this.sql
        .exec<{ entry: string }>(`SELECT entry FROM fresh ORDER BY position`)
        .toArray()
        .map((row) => JSON.parse(row.entry) as PopularItem),
    };
    this.versions = { status: this.meta("status_version"), fresh: this.meta("fresh_version") };
    this.published = { status: this.meta("status_published"), fresh: this.meta("fresh_published") };
  }

  private async scheduleRetry(): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + CATALOG_PUBLISH_RETRY_MS);
  }

  private meta(key: MetaKey): number {
    return this.sql.exec<{ value: number }>(`SELECT value FROM meta WHERE key = ?`, key).toArray()[0]?.value ?? 0;
  }

  private setMeta(key: MetaKey, value: number): void {
    this.sql.exec(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value);
  }

  private warn(message: string, error: unknown): void {
    this.logger.warn("catalog_publish_failed", { message, error });
  }
}

/**
 * Brings a UserSession's derived state up to date: looks up (in the vector index) the categories of
 * items whose events wait for one and the vectors of the fold-in window, applies the waiting
 * category effects (weighed with the user's release's event-weight table, as the Worker weighs the
 * events it appends), and recomputes the session vector. Owns what that needs in memory — the fold-in
 * model read from KV (reused for USER_SESSION_LIMITS.modelTtlMs), the lookup back-off and the one
 * refresh in flight.
 *
 * It runs when the state is read (a snapshot waits up to refreshBudgetMs, then the refresh finishes
 * in the background), not after every event: a background refresh per event batch made ingestion
 * pay a vector-index lookup and a second commit per user even for users nobody asked about, and its
 * contention slowed the next read too (docs/data-loop.md, "Ingestion").
 */
import { kvKeys } from "../../shared/artifacts/kv-keys";
import { DEFAULT_EVENT_WEIGHTS, type EventWeights } from "../../shared/events/event-weight";
import type { FoldInModel } from "../../shared/realtime/fold-in-model";
import { foldInWindowVector, itemsWithoutVector, storableItemVector } from "../../shared/session/fold-in-window";
import { USER_SESSION_LIMITS } from "../../shared/session/user-session-limits";
import type { Logger } from "../../workers/logger/logger";
import { envForUser, releaseOf } from "../../workers/releases/serving-release";
import { readEventWeights, readFoldInModel } from "../../workers/store/kv-store";
import { itemIndexFor, lookUpItems } from "../../workers/vector-index/item-lookup";
import { applyPendingEvents } from "./apply-session-events";
import type { SessionStaleness, SessionStore } from "./session-store";

/** What the refresh needs from its object. */
export interface SessionVectorRefreshHost {
  ctx: DurableObjectState;
  env: Env;
  store: SessionStore;
  logger: Logger;
  /** False once the object's storage is gone (erased), so nothing is written. */
  hasTables: () => boolean;
  /** Called after every refresh that wrote (the object drops what it memoised). */
  onWrite: () => void;
}

/** The refresh of one UserSession object. */
export class SessionVectorRefresh {
  private running: Promise<void> | null = null;
  private again = false;
  private lookupFailedAt = 0;
  private model: { value: FoldInModel | null; fetchedAt: number; release: string | null } | null = null;

  constructor(private readonly host: SessionVectorRefreshHost) {}

  /** The fold-in model in memory (null before the first refresh or when none is published). */
  get loadedModel(): FoldInModel | null {
    return this.model?.value ?? null;
  }

  /** True when events await their category, the vector needs recomputing, the model is due, or a refresh is running. */
  isStale(staleness: SessionStaleness): boolean {
    if (this.running || staleness.vectorDirty) return true;
    if (!this.model || Date.now() - this.model.fetchedAt > USER_SESSION_LIMITS.modelTtlMs) return true;
    return staleness.pendingEvents && this.lookupAllowed();
  }

  /** Refreshes, waiting at most `budgetMs` (the refresh itself runs on). */
  async within(budgetMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const budget = new Promise<void>((resolve) => (timer = setTimeout(resolve, budgetMs)));
    await Promise.race([this.once().catch(() => undefined), budget]).finally(() => clearTimeout(timer ?? null));
  }

  /** Forgets everything in memory (the object was erased). */
  reset(): void {
    this.model = null;
  }

  /**
   * One refresh at a time; callers arriving meanwhile share it, and it runs once more when state
   * changed while it was waiting on lookups (so no event is left out of the vector).
   */
  private once(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.refresh();
        } while (this.again);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private async refresh(): Promise<void> {
    const { store, ctx } = this.host;
    if (!this.host.hasTables()) return;
    // The release this user is served from (the canary's for its share): its fold-in model and its
    // item vectors, so the session vector lives in the same space as what the edge serves.
    const env = await envForUser(this.host.env, ctx.id.name);
    const model = await this.foldInModel(env);
    if (!this.host.hasTables()) return;
    const version = model?.modelVersion ?? "unversioned";
    const pending = store.pendingItems(USER_SESSION_LIMITS.lookupsPerRefresh);
    const missing = itemsWithoutVector(store.foldInWindow(USER_SESSION_LIMITS.foldInItems), version);
    const ids = [...new Set([...pending, ...missing])];
    const records = await this.lookUp(env, ids);
    if (!this.host.hasTables()) return;
    const lookedUp = this.lookupFailedAt === 0 ? new Set(ids) : new Set<string>();
    const weights = pending.some((id) => lookedUp.has(id)) ? await this.eventWeights(env) : DEFAULT_EVENT_WEIGHTS;
    if (!this.host.hasTables()) return;
    const cachedVersion = store.cachedVector()?.modelVersion;
    const versionChanged = cachedVersion !== undefined && cachedVersion !== version;
    if (lookedUp.size === 0 && store.meta("vector_dirty") !== "1" && !versionChanged) return;
    try {
      ctx.storage.transactionSync(() => {
        for (const id of lookedUp) store.setItemCategory(id, records.get(id)?.category ?? "");
        for (const id of pending.filter((p) => lookedUp.has(p))) applyPendingEvents(store, id, weights);
        for (const id of missing.filter((m) => lookedUp.has(m))) {
          store.saveItemVector(id, version, storableItemVector(records.get(id)?.values, model));
          store.setMeta("vector_dirty", "1");
        }
        const cached = store.cachedVector();
        if (store.meta("vector_dirty") === "1" || (cached !== null && cached.modelVersion !== version)) this.recompute(model, version);
      });
    } finally {
      this.host.onWrite();
    }
  }

  /** The session vector from the fold-in window and the preferred categories; drops vectors no longer in the window. */
  private recompute(model: FoldInModel | null, version: string): void {
    const { store } = this.host;
    const window = store.foldInWindow(USER_SESSION_LIMITS.foldInItems);
    const computed = foldInWindowVector(window, store.profile()?.categories ?? [], model, version, Date.now());
    store.setMeta("session_vector", computed ? JSON.stringify(computed) : "");
    store.setMeta("vector_dirty", "0");
    store.keepItemVectors(new Set(window.map((row) => row.item_id)));
  }

  /** Categories and vectors of `ids` from the vector index (none when lookups are backing off or fail). */
  private async lookUp(env: Env, ids: string[]): Promise<Map<string, { values: number[]; category: string }>> {
    if (ids.length === 0 || !this.lookupAllowed()) return new Map();
    try {
      const found = await lookUpItems(itemIndexFor(env), ids);
      this.lookupFailedAt = 0;
      return new Map(
        ids.flatMap((id) => {
          const item = found.get(id);
          return item ? [[id, { values: item.values, category: item.category }] as const] : [];
        }),
      );
    } catch (error) {
      this.lookupFailedAt = Date.now();
      this.host.logger.warn("item_lookup_failed", { error });
      return new Map();
    }
  }

  private lookupAllowed(): boolean {
    return Date.now() - this.lookupFailedAt > USER_SESSION_LIMITS.lookupRetryMs;
  }

  /** The release's event-weight table (held in the isolate with its manifest); the default table when KV fails (logged). */
  private async eventWeights(env: Env): Promise<EventWeights> {
    try {
      return await readEventWeights(env.KV, this.host.logger);
    } catch (error) {
      this.host.logger.warn("event_weights_read_failed", { kv_key: kvKeys.manifest, release: releaseOf(env)?.id ?? null, error });
      return DEFAULT_EVENT_WEIGHTS;
    }
  }

  private async foldInModel(env: Env): Promise<FoldInModel | null> {
    const now = Date.now();
    const release = releaseOf(env)?.id ?? null;
    if (this.model && this.model.release === release && now - this.model.fetchedAt < USER_SESSION_LIMITS.modelTtlMs)
      return this.model.value;
    try {
      this.model = { value: await readFoldInModel(env.KV, this.host.logger), fetchedAt: now, release };
    } catch (error) {
      this.host.logger.warn("fold_in_model_read_failed", { kv_key: kvKeys.foldIn, release, error });
      this.model = { value: this.model?.release === release ? this.model.value : null, fetchedAt: now, release };
    }
    return this.model.value;
  }
}

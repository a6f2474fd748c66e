/**
 * The UserSession event path against its store: stores each new event (idempotently by
 * `event_id`), updates the item's row, credits trending and the A/B exposure, and applies the
 * category effects (affinity, bandit arms) at once when the item's category is known — or later,
 * from the refresh, once it has been looked up. Every weight comes from the serving release's
 * table (`AppendOptions.eventWeights`). Runs inside the caller's transaction; the rules themselves
 * are the pure modules of shared/session/.
 */
import type { EventWeights } from "../../shared/events/event-weight";
import type { EventType } from "../../shared/events/interaction-event";
import { trendingCredit } from "../../shared/events/trending-credit";
import { categoryEffects } from "../../shared/session/category-effects";
import { addToAffinity, addToArm } from "../../shared/session/decayed-evidence";
import { eventCategory, exposureCreditColumn } from "../../shared/session/exposure-credit";
import { itemStateDelta } from "../../shared/session/item-state-delta";
import type { AppendResult, SessionEvent } from "../../shared/session/session-contract";
import type { SessionStore } from "./session-store";

/** What appending a batch did. */
export interface AppliedEvents {
  result: AppendResult;
}

/** How {@link applySessionEvents} stores a batch. */
export interface ApplyOptions {
  /** When the batch was accepted (ms). */
  now: number;
  /** TRENDING_USER_WINDOW_HOURS in ms. */
  trendingWindowMs: number;
  /** The serving release's weight table. */
  weights: EventWeights;
}

/** Stores `events` (all of one user). */
export function applySessionEvents(store: SessionStore, events: readonly SessionEvent[], options: ApplyOptions): AppliedEvents {
  const { now, trendingWindowMs, weights } = options;
  const result: AppendResult = { accepted: [], duplicates: [], trending: [], attributed: [] };
  for (const event of events) {
    if (!store.claimEventId(event.event_id, event.ts)) {
      result.duplicates.push(event.event_id);
      continue;
    }
    const before = store.itemState(event.item_id);
    const exposure = store.exposureOf(event.item_id, event.request_id);
    const category = eventCategory(before?.category, exposure?.category);
    if (!store.insertEvent(event, category !== null)) {
      result.duplicates.push(event.event_id);
      continue;
    }
    result.accepted.push(event.event_id);
    const credit = creditTrending(store, event, weights.types[event.type], now, trendingWindowMs);
    if (credit > 0) result.trending.push({ eventId: event.event_id, weight: credit });
    const column = exposureCreditColumn(event.type, event.request_id);
    if (column && store.markExposureCredited(column, event.request_id!, event.item_id)) result.attributed.push(event.event_id);
    store.addToItemState(event.item_id, event.ts, itemStateDelta(event.type, event.value, weights));
    // An event whose item's category is unknown waits (pending) for the next refresh's lookup.
    if (category !== null) {
      if (before?.category == null && category) store.setItemCategory(event.item_id, category);
      applyCategoryEffects(store, event, category, exposure?.exploration_source ?? null, weights);
    }
    if (weights.types[event.type] !== 0) store.setMeta("vector_dirty", "1");
  }
  return { result };
}

/** Applies the waiting category effects of an item's events, now that its category is stored, under `weights`. */
export function applyPendingEvents(store: SessionStore, itemId: string, weights: EventWeights): void {
  const category = store.itemState(itemId)?.category ?? "";
  for (const row of store.pendingEventsOf(itemId)) {
    const exposure = store.exposureOf(itemId, row.request_id);
    applyCategoryEffects(
      store,
      { item_id: row.item_id, type: row.type, ts: row.ts, ...(row.value === null ? {} : { value: row.value }) },
      category,
      exposure?.exploration_source ?? null,
      weights,
    );
    store.markApplied(row.seq);
  }
}

/** The weight (the type's, `weight`) this accepted event adds to live trending (0 = none), remembering the user's window. */
function creditTrending(store: SessionStore, event: SessionEvent, weight: number, now: number, windowMs: number): number {
  if (weight <= 0) return 0;
  const decision = trendingCredit(store.trendingWindow(event.item_id), weight, now, windowMs);
  if (decision.credit > 0) store.saveTrendingWindow(event.item_id, decision.window);
  return decision.credit;
}

function applyCategoryEffects(
  store: SessionStore,
  event: { item_id: string; type: EventType; ts: number; value?: number },
  category: string,
  explorationSource: string | null,
  weights: EventWeights,
): void {
  if (!category) return;
  const effects = categoryEffects(event.type, category, store.itemState(event.item_id), explorationSource, {
    ...(event.value === undefined ? {} : { value: event.value }),
    weights,
  });
  if (effects.affinity !== 0) store.saveAffinity(addToAffinity(store.affinityRow(category), category, effects.affinity, event.ts));
  if (effects.arms.length === 0) return;
  store.creditItem(event.item_id, effects.trials, effects.successes);
  for (const arm of effects.arms) store.saveArm(addToArm(store.armRow(arm), arm, effects.successes, effects.trials, event.ts));
}

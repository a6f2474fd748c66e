/**
 * Item fold-in between retrains: a new item starts from its content vector (add-item.ts); as users
 * interact with it, its vector is re-solved from theirs — the ALS item half-step against the
 * trained vectors of its most recent users (shared/realtime/item-fold-in-model.ts), the user
 * fold-in transposed. Runs in the event queue's consumer, off the request path: the interactions
 * of a batch with fresh items go to the CatalogState object in one call, which answers the items
 * due (every `everyEvents` interactions, shared/catalog/new-item-fold-in.ts); each due item costs
 * ≤ `maxUsers` KV reads, one `getByIds` and one upsert. Users without a trained record of the
 * published model version (new users) do not count towards the solution. Best effort: a failure
 * is logged and the item keeps its vector until the next refresh or release. Interactions are
 * weighed with the release's event-weight table (its manifest's), as the user vectors were trained.
 */
import { type NewItemFoldInOptions, type NewItemInteraction, NEW_ITEM_FOLD_IN_DEFAULTS } from "../../shared/catalog/new-item-fold-in";
import { eventSignal } from "../../shared/events/event-weight";
import type { InteractionEvent } from "../../shared/events/interaction-event";
import type { FoldInInteraction } from "../../shared/realtime/fold-in-user-vector";
import { foldInItemVector } from "../../shared/realtime/item-fold-in-model";
import type { Logger } from "../logger/logger";
import { vectorIndexFor } from "../services";
import { readEventWeights, readFreshItems, readItemFoldInModel, readUserRecord } from "../store/kv-store";
import { forgetItemLookups } from "../vector-index/item-lookup";
import { catalogStateFor } from "./catalog-state-client";

/**
 * Reports `events`' interactions with fresh items and refreshes the vectors of the items that became
 * due; answers the ids of the items whose vector was replaced.
 */
export async function foldInNewItems(
  env: Env,
  events: readonly InteractionEvent[],
  logger: Logger,
  options: NewItemFoldInOptions = NEW_ITEM_FOLD_IN_DEFAULTS,
): Promise<string[]> {
  const fresh = await readFreshItems(env.KV);
  if (!fresh || fresh.items.length === 0) return [];
  const freshIds = new Set(fresh.items.map((item) => item.itemId));
  const eventWeights = await readEventWeights(env.KV, logger);
  const weights = new Map<string, NewItemInteraction>();
  for (const event of events) {
    if (!freshIds.has(event.item_id)) continue;
    const signal = eventSignal(event.type, event.value ?? undefined, eventWeights);
    if (signal === 0) continue;
    const key = `${event.item_id}\u0000${event.user_id}`;
    const entry = weights.get(key) ?? { itemId: event.item_id, userId: event.user_id, weight: 0 };
    entry.weight += signal;
    weights.set(key, entry);
  }
  if (weights.size === 0) return [];
  const due = await catalogStateFor(env).recordNewItemInteractions([...weights.values()], options);
  if (due.length === 0) return [];
  const model = await readItemFoldInModel(env.KV, logger);
  if (!model) return [];
  const index = vectorIndexFor(env);
  const refreshed: string[] = [];
  for (const { itemId, users } of due) {
    const records = await Promise.all(users.map((user) => readUserRecord(env.KV, user.userId)));
    const interactions: FoldInInteraction[] = [];
    users.forEach((user, u) => {
      const record = records[u];
      if (record && record.modelVersion === model.modelVersion && record.vector.length === model.dimensions) {
        interactions.push({ vector: record.vector, weight: user.weight });
      }
    });
    const vector = foldInItemVector(model, interactions);
    if (!vector) continue;
    const [current] = await index.getByIds([itemId]);
    if (!current || current.values.length !== vector.length) continue;
    await index.upsert([{ id: itemId, values: vector, ...(current.metadata ? { metadata: current.metadata } : {}) }]);
    refreshed.push(itemId);
    logger.info("new_item_folded_in", { item_id: itemId, users: interactions.length });
  }
  if (refreshed.length > 0) forgetItemLookups(refreshed);
  return refreshed;
}

/**
 * After the response: what was served is recorded in the user's session (`recordExposures`), so
 * later impressions and clicks credit the right bandit arms. In the background when the Worker
 * allows it (`waitUntil`); a failure is logged, never the response's concern.
 */
import type { Exposure } from "../../shared/session/session-contract";
import type { Logger } from "../logger/logger";
import type { RecommendedItem } from "./recommend-response";

/** Options of {@link recordServed}. */
export interface RecordServedOptions {
  userId: string;
  requestId: string;
  record?: (userId: string, requestId: string, exposures: Exposure[]) => Promise<void>;
  waitUntil?: (promise: Promise<unknown>) => void;
  logger: Logger;
}

/** Tells the user's session what was served; awaited only when there is no `waitUntil`. */
export async function recordServed(items: readonly RecommendedItem[], options: RecordServedOptions): Promise<void> {
  const { record, userId, requestId, waitUntil, logger } = options;
  if (!record || items.length === 0) return;
  const exposures: Exposure[] = items.map((item, position) => ({
    itemId: item.item_id,
    position,
    source: item.source,
    ...(item.category ? { category: item.category } : {}),
    ...(item.exploration ? { explorationSource: item.exploration.from } : {}),
  }));
  const work = record(userId, requestId, exposures).catch((error: unknown) => {
    logger.warn("exposures_failed", { stage: "exposures", error });
  });
  if (waitUntil) waitUntil(work);
  else await work;
}

/**
 * The trending refresh job (every 5 minutes): flushes every trending shard and republishes the live
 * lists (trending/refresh-trending.ts, what `POST /v1/trending/flush` does). While events arrive the
 * shards flush themselves by alarm; when they stop, this keeps the published lists decaying — scores
 * and `generated_at` move with the clock, and items whose counts decayed away leave the lists — and
 * republishes lists whose last KV write failed.
 */
import { refreshTrending } from "../trending/refresh-trending";
import type { ScheduledJob } from "./scheduled-job";

/** Refreshes live trending. */
export const trendingRefreshJob: ScheduledJob = {
  async run({ env, logger }) {
    const refresh = await refreshTrending(env, logger);
    return {
      shards_flushed: refresh.shards_flushed,
      shards_failed: refresh.shards_failed,
      items: refresh.items,
      categories: refresh.categories.length,
      failed_writes: refresh.failedWrites,
      generated_at: refresh.generatedAt,
    };
  },
};

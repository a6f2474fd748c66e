/**
 * Live A/B counters: what the Worker adds to the ExperimentStats shards after a response (one
 * request, its impressions, an empty list, its latency, its item ids for the coverage sketch and
 * its category diversity) and after accepted clicks and conversions that the user's session matched
 * to a served exposure (the event's `request_id` served that item to that user; at most one click
 * and one conversion per served item: `AppendResult.attributed`). An event is attributed to the arms
 * its user is in — the assignment is deterministic, so it is recomputed from the user id rather than
 * stored.
 */
import { assignArms } from "../../shared/experiments/assign-arms";
import type { ExperimentIncrement } from "../../shared/experiments/experiment-counters-contract";
import { EXPERIMENT_EVENT_METRIC } from "../../shared/experiments/experiment-event-metric";
import { latencyBucket } from "../../shared/experiments/latency-buckets";
import { listCategoryDiversity } from "../../shared/experiments/list-category-diversity";
import { hash32 } from "../../shared/math/hash-to-unit";
import type { ServingConfig } from "../../shared/serving/serving-config";
import type { SessionEvent } from "../../shared/session/session-contract";
import { positiveIntegerVar } from "../config/env-vars";

/** Shard count for experiment counters. */
export function experimentShards(env: Pick<Env, "EXPERIMENT_SHARDS">): number {
  return positiveIntegerVar(env.EXPERIMENT_SHARDS, 8);
}

/** The ExperimentStats object holding `userId`'s counters for `experimentId`. */
export function experimentShardName(experimentId: string, userId: string, shards: number): string {
  return `${experimentId}#${hash32(userId) % shards}`;
}

/** One served response as the counters see it. */
export interface ServedResponse {
  /** The served item ids in list order (their count is the response's impressions). */
  itemIds: readonly string[];
  /** Each served item's category, parallel to `itemIds` (undefined = unknown). */
  categories: readonly (string | undefined)[];
  latencyMs: number;
}

/** Adds one served response to the arms of its user. */
export async function recordServedResponse(env: Env, userId: string, arms: Record<string, string>, served: ServedResponse): Promise<void> {
  const shards = experimentShards(env);
  const items = served.itemIds.length;
  const { diversity, distinct } = listCategoryDiversity(served.categories);
  await Promise.all(
    Object.entries(arms).map(([experimentId, arm]) => {
      const increments: ExperimentIncrement[] = [
        { arm, metric: "requests", value: 1 },
        { arm, metric: "impressions", value: items },
        ...(items === 0 ? [{ arm, metric: "empty_responses" as const, value: 1 }] : []),
        ...(distinct > 0
          ? [
              { arm, metric: "categories_sum" as const, value: distinct },
              { arm, metric: "categorised_lists" as const, value: 1 },
            ]
          : []),
        ...(diversity !== null
          ? [
              { arm, metric: "diversity_sum" as const, value: diversity },
              { arm, metric: "diversity_lists" as const, value: 1 },
            ]
          : []),
      ];
      return env.EXPERIMENT_STATS.getByName(experimentShardName(experimentId, userId, shards)).record(
        increments,
        [{ arm, bucket: latencyBucket(served.latencyMs) }],
        [{ arm, itemIds: served.itemIds }],
      );
    }),
  );
}

/**
 * Adds clicks and conversions to their users' arms. Pass only events the user's session matched to
 * a served exposure (`AppendResult.attributed` from `UserSession.appendEvents`): an arbitrary
 * `request_id` proves nothing, so crediting unmatched events would let any client move an arm.
 */
export async function recordAttributedEvents(env: Env, config: ServingConfig, events: readonly SessionEvent[]): Promise<void> {
  if (config.experiments.length === 0) return;
  const shards = experimentShards(env);
  const byShard = new Map<string, ExperimentIncrement[]>();
  for (const event of events) {
    const metric = EXPERIMENT_EVENT_METRIC[event.type];
    // Live impressions come from served responses (recordServedResponse), not from impression events.
    if (!event.request_id || !metric || metric === "impressions") continue;
    const arms = assignArms(config, event.context?.surface ?? "home", event.user_id);
    for (const [experimentId, arm] of Object.entries(arms)) {
      const name = experimentShardName(experimentId, event.user_id, shards);
      const list = byShard.get(name) ?? [];
      list.push({ arm, metric, value: 1 });
      byShard.set(name, list);
    }
  }
  await Promise.all([...byShard].map(([name, increments]) => env.EXPERIMENT_STATS.getByName(name).record(increments)));
}

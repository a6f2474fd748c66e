/**
 * Live A/B counters: what the Worker adds to the ExperimentStats shards after a response (one
 * request, its impressions, an empty list, its latency, its item ids for the coverage sketch and
 * its category diversity; batched per isolate for up to a second, see {@link SERVED_BATCH_MS}) and after accepted clicks and conversions that the user's session matched
 * to a served exposure (the event's `request_id` served that item to that user; at most one click
 * and one conversion per served item: `AppendResult.attributed`). An event is attributed to the arms
 * its user is in — the assignment is deterministic, so it is recomputed from the user id rather than
 * stored.
 */
import { canaryArms } from "../../shared/artifacts/release";
import { readReleasePointer, unscopedKv } from "../releases/serving-release";
import { assignArms } from "../../shared/experiments/assign-arms";
import type { ExperimentIncrement, LatencyObservations } from "../../shared/experiments/experiment-counters-contract";
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

/**
 * How long served responses wait in the isolate before their counters are sent: one call per
 * shard per window instead of one per response (the report lags by at most this much).
 */
export const SERVED_BATCH_MS = 1_000;

/** What one shard will be sent at the end of the current window. */
interface PendingShard {
  /** (arm, metric) → summed increment. */
  increments: Map<string, ExperimentIncrement>;
  /** (arm, bucket) → observations. */
  latencies: Map<string, LatencyObservations>;
  /** arm → served item ids. */
  served: Map<string, Set<string>>;
}

/** Responses served in this isolate whose counters are not sent yet, by shard name. */
let pending = new Map<string, PendingShard>();
/** The window's flush, while one is scheduled. */
let scheduled: Promise<void> | null = null;

function pendingShard(name: string): PendingShard {
  let shard = pending.get(name);
  if (!shard) {
    shard = { increments: new Map(), latencies: new Map(), served: new Map() };
    pending.set(name, shard);
  }
  return shard;
}

function addIncrement(shard: PendingShard, increment: ExperimentIncrement): void {
  const key = `${increment.arm}\u0000${increment.metric}`;
  const sum = shard.increments.get(key);
  if (sum) sum.value += increment.value;
  else shard.increments.set(key, { ...increment });
}

/**
 * Adds one served response to the arms of its user. The counters wait in the isolate for up to
 * {@link SERVED_BATCH_MS} and go to each shard in one call with the window's other responses. The
 * returned promise is the pending flush when this response opened the window (pass it to
 * `waitUntil`: it keeps the request alive until the batch is sent), else an already settled one —
 * a later request never waits on I/O another request started.
 */
export function recordServedResponse(
  env: Env,
  userId: string,
  arms: Record<string, string>,
  served: ServedResponse,
  batchMs: number = SERVED_BATCH_MS,
): Promise<void> {
  const shards = experimentShards(env);
  const items = served.itemIds.length;
  const { diversity, distinct } = listCategoryDiversity(served.categories);
  for (const [experimentId, arm] of Object.entries(arms)) {
    const shard = pendingShard(experimentShardName(experimentId, userId, shards));
    addIncrement(shard, { arm, metric: "requests", value: 1 });
    addIncrement(shard, { arm, metric: "impressions", value: items });
    if (items === 0) addIncrement(shard, { arm, metric: "empty_responses", value: 1 });
    if (distinct > 0) {
      addIncrement(shard, { arm, metric: "categories_sum", value: distinct });
      addIncrement(shard, { arm, metric: "categorised_lists", value: 1 });
    }
    if (diversity !== null) {
      addIncrement(shard, { arm, metric: "diversity_sum", value: diversity });
      addIncrement(shard, { arm, metric: "diversity_lists", value: 1 });
    }
    const bucket = latencyBucket(served.latencyMs);
    const latency = shard.latencies.get(`${arm}\u0000${bucket}`);
    if (latency) latency.count = (latency.count ?? 1) + 1;
    else shard.latencies.set(`${arm}\u0000${bucket}`, { arm, bucket, count: 1 });
    const ids = shard.served.get(arm) ?? new Set<string>();
    for (const itemId of served.itemIds) ids.add(itemId);
    shard.served.set(arm, ids);
  }
  if (scheduled) return Promise.resolve();
  scheduled = new Promise<void>((resolve) => setTimeout(resolve, batchMs)).then(() => flushServed(env));
  return scheduled;
}

/** Sends the window's counters, one call per shard; a shard whose call fails loses that window's counts (logged by the caller). */
async function flushServed(env: Env): Promise<void> {
  const batch = pending;
  pending = new Map();
  scheduled = null;
  const results = await Promise.allSettled(
    [...batch].map(([name, shard]) =>
      env.EXPERIMENT_STATS.getByName(name).record(
        [...shard.increments.values()],
        [...shard.latencies.values()],
        [...shard.served].map(([arm, ids]) => ({ arm, itemIds: [...ids] })),
      ),
    ),
  );
  const failed = results.filter((result) => result.status === "rejected");
  if (failed.length > 0) {
    throw new Error(
      `${failed.length} of ${results.length} experiment shards refused a batch: ${String((failed[0] as PromiseRejectedResult).reason)}`,
    );
  }
}

/**
 * Adds clicks and conversions to their users' arms. Pass only events the user's session matched to
 * a served exposure (`AppendResult.attributed` from `UserSession.appendEvents`): an arbitrary
 * `request_id` proves nothing, so crediting unmatched events would let any client move an arm.
 */
export async function recordAttributedEvents(env: Env, config: ServingConfig, events: readonly SessionEvent[]): Promise<void> {
  if (events.length === 0) return;
  const pointer = await readReleasePointer(unscopedKv(env)).catch(() => null);
  if (config.experiments.length === 0 && !pointer?.canary) return;
  const shards = experimentShards(env);
  const byShard = new Map<string, ExperimentIncrement[]>();
  for (const event of events) {
    const metric = EXPERIMENT_EVENT_METRIC[event.type];
    // Live impressions come from served responses (recordServedResponse), not from impression events.
    if (!event.request_id || !metric || metric === "impressions") continue;
    const arms = { ...assignArms(config, event.context?.surface ?? "home", event.user_id), ...canaryArms(pointer, event.user_id) };
    for (const [experimentId, arm] of Object.entries(arms)) {
      const name = experimentShardName(experimentId, event.user_id, shards);
      const list = byShard.get(name) ?? [];
      list.push({ arm, metric, value: 1 });
      byShard.set(name, list);
    }
  }
  await Promise.all([...byShard].map(([name, increments]) => env.EXPERIMENT_STATS.getByName(name).record(increments)));
}

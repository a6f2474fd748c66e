/**
 * Worker entry point: the Hono edge app plus the Durable Object classes wrangler binds
 * (UserSession for per-user state, EmbeddedVectorIndex for the local/small-catalog ANN index,
 * TrendingShard and TrendingAggregator for live trending lists, DigestSubscriptions for the email
 * digest opt-ins, MetricsAggregate for the operational metrics), the event queue's consumer and the
 * Cron Triggers' jobs.
 */
import { createApp } from "./app";
import { consumeEventQueue } from "./events/consume-event-queue";
import { runScheduled } from "./scheduled/run-scheduled";

export { UserSession } from "../durable-objects/user-session";
export { CatalogState } from "../durable-objects/catalog-state";
export { EmbeddedVectorIndex } from "../durable-objects/embedded-vector-index";
export { ExperimentStats } from "../durable-objects/experiment-stats";
export { TrendingShard } from "../durable-objects/trending-shard";
export { TrendingAggregator } from "../durable-objects/trending-aggregator";
export { DigestSubscriptions } from "../durable-objects/digest-subscriptions";
export { MetricsAggregate } from "../durable-objects/metrics-aggregate";

const app = createApp();

export default {
  fetch: app.fetch,
  /** The event queue's consumer and its dead-letter archive (events/consume-event-queue.ts). */
  queue: (batch, env) => consumeEventQueue(batch, env),
  /** The Cron Triggers' jobs: trending refresh, nightly email digests (scheduled/run-scheduled.ts). */
  scheduled: (controller, env, ctx) => runScheduled(controller, env, ctx),
} satisfies ExportedHandler<Env>;

/**
 * Serves one recommendation request as the API does it: the user's serving plan (surface config
 * plus A/B arms and their overrides), the funnel, and the live experiment counters in the
 * background, and the list in the request's metrics. Used by `GET /v1/recommendations` and by the
 * email digest batch.
 */
import type { Surface } from "../../shared/events/interaction-event";
import type { ServingConfig } from "../../shared/serving/serving-config";
import { canaryArms } from "../../shared/artifacts/release";
import { releaseOf } from "../releases/serving-release";
import { servingConfigFor } from "../config/serving-config";
import { recordServedResponse } from "../experiments/experiment-counters";
import { subrequestsOf } from "../metrics/subrequest-counter";
import { requestMetricsOf } from "../metrics/request-metrics";
import { cachedManifest, type FunnelFeatures, servedQuality, warmManifest } from "../metrics/served-features";
import { createLogger, type Logger, logLevelFrom } from "../logger/logger";
import type { Ranker } from "../ranking/ranker";
import { retrievalOrderRanker } from "../ranking/retrieval-order";
import { recommendDepsFor } from "../services";
import { recommend } from "./recommend";
import type { RecommendResponse } from "./recommend-response";
import { rankersForArm, servingPlanFor } from "./serving-plan";

/** One request to serve. */
export interface ServeRequest {
  requestId: string;
  userId: string;
  surface: Surface;
  /** Default: the surface's configured n. */
  n?: number;
  /** The seed item of `more_like_this`. */
  itemId?: string;
  /** The requesting device (a ranker feature). */
  device?: string;
  now?: Date;
}

/** The ranker a shadow name refers to (retrieval order is built in). */
function shadowRankerFor(rankers: Ranker[], name: NonNullable<ServingConfig["shadow_ranker"]>): Ranker | undefined {
  return name === retrievalOrderRanker.name ? retrievalOrderRanker : rankers.find((ranker) => ranker.name === name);
}

/**
 * Serves `request`; background work (exposures, counters) goes to `waitUntil`, failures of it to
 * `logger` (default: a console logger carrying the request id).
 */
export async function serveRecommendation(
  env: Env,
  request: ServeRequest,
  waitUntil: (promise: Promise<unknown>) => void,
  logger: Logger = createLogger({ request_id: request.requestId }, { level: logLevelFrom(env.LOG_LEVEL) }),
): Promise<RecommendResponse> {
  const config = servingConfigFor(env);
  const plan = servingPlanFor(config, request.surface, request.userId);
  // A running canary is an experiment of its own: control (the current release) or canary.
  const arms = { ...plan.arms, ...canaryArms(releaseOf(env)?.pointer ?? null, request.userId) };
  const deps = recommendDepsFor(env);
  const shadowRanker = config.shadow_ranker ? shadowRankerFor(deps.rankers, config.shadow_ranker) : undefined;
  const recorder = requestMetricsOf(env);
  let funnel: FunnelFeatures | null = null;
  const response = await recommend(
    {
      requestId: request.requestId,
      userId: request.userId,
      n: request.n ?? plan.n,
      surface: request.surface,
      ...(request.itemId ? { itemId: request.itemId } : {}),
      ...(request.device ? { device: request.device } : {}),
      now: request.now ?? new Date(),
    },
    {
      ...deps,
      rankers: rankersForArm(deps.rankers, plan.overrides.ranker),
      exploration: {
        ...deps.exploration,
        ...(plan.overrides.exploration_share !== undefined ? { share: plan.overrides.exploration_share } : {}),
      },
      sources: plan.sources,
      rerankRules: plan.rules,
      arms,
      ...(shadowRanker ? { shadowRanker } : {}),
      waitUntil,
      logger,
      ...(releaseOf(env) ? { releaseId: releaseOf(env)!.id } : {}),
      ...(recorder ? { onFeatureRows: (features: FunnelFeatures) => (funnel = features) } : {}),
    },
  );
  if (Object.keys(arms).length > 0) {
    const served = {
      itemIds: response.items.map((item) => item.item_id),
      categories: response.items.map((item) => item.category),
      latencyMs: response.timings_ms.total ?? 0,
    };
    waitUntil(
      recordServedResponse(env, request.userId, arms, served).catch((error: unknown) =>
        logger.warn("experiment_counters_failed", { stage: "experiment_counters", error }),
      ),
    );
  }
  // Calls through the request's bindings so far, background ones included (metrics/subrequest-counter.ts).
  const subrequests = subrequestsOf(env);
  if (subrequests) response.timings_ms.subrequests = subrequests.total;
  // The request's metrics (metrics/request-metrics.ts): sent by the metrics middleware after the response.
  recorder?.addList({
    surface: response.surface,
    ranker: response.ranker,
    release: releaseOf(env)?.id ?? null,
    modelVersion: response.model_version ?? null,
    arms: response.arms,
    fallbacks: response.fallbacks.map(({ stage, reason, used }) => ({ stage, reason, used })),
    timingsMs: response.timings_ms,
    itemIds: response.items.map((item) => item.item_id),
    ...servedQuality(env.KV, releaseOf(env)?.id ?? null, funnel, Date.now()),
  });
  // Drift and release age need the manifest in this isolate: read it in the background when it is not.
  if (recorder && cachedManifest(env.KV) === undefined) waitUntil(warmManifest(env.KV));
  return response;
}

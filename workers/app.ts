/**
 * The Hono app: middleware, the public `/v1` API, admin routes and error rendering. Every error a
 * client can cause is a 4xx JSON `{error: {code, message}}`; only server faults are 5xx.
 *
 * Access (docs/security.md): `/healthz`, `/openapi.json` and `/docs` are open; every other path needs a credential
 * (auth/authenticate.ts). Reading recommendations, similar items and trending needs
 * `recommendations:read`; posting events, preferences or erasing a user needs `events:write`; a user
 * token acts only for its own user (query `user_id`, path `:user_id`, each event's `user_id`);
 * everything else needs `admin`.
 */
import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ServingConfigError } from "../shared/serving/serving-config";
import { VectorIndexError } from "../shared/vector-index/vector-index-error";
import type { AppEnv } from "./app-env";
import { ApiError } from "./errors/api-error";
import { createLogger } from "./logger/logger";
import { authenticate } from "./auth/authenticate";
import { envForUser } from "./releases/serving-release";
import { RATE_LIMIT_RETRY_AFTER_SECONDS } from "./auth/rate-limit";
import { actsForPathUser, actsForQueryUser, requireScope } from "./auth/require-access";
import { countSubrequests } from "./metrics/subrequest-counter";
import { requestId } from "./middleware/request-id";
import { recordRequestMetrics } from "./middleware/record-request-metrics";
import { adminRoute } from "./routes/admin";
import { eventsRoute } from "./routes/events";
import { healthRoute } from "./routes/health";
import { itemsRoute } from "./routes/items";
import { openApiRoute } from "./routes/openapi";
import { recommendationsRoute } from "./routes/recommendations";
import { trendingRoute } from "./routes/trending";
import { usersRoute } from "./routes/users";

/** Creates the edge app. */
export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("*", requestId);
  app.route("/healthz", healthRoute);
  // The OpenAPI document and reference page, open like /healthz (routes/openapi.ts).
  app.route("/", openApiRoute(app));
  // Each API request counts the calls it makes through its bindings (metrics/subrequest-counter.ts).
  app.use("/v1/*", async (c, next) => {
    c.env = countSubrequests(c.env);
    await next();
  });
  // Each API request is recorded in the metrics sinks (middleware/record-request-metrics.ts, docs/operations.md).
  app.use("/v1/*", recordRequestMetrics);
  app.use("/v1/*", authenticate);
  // Every API request is served from one release (releases/serving-release.ts): read the pointer
  // once, then see only that release's KV records, vector index and model version.
  app.use("/v1/*", async (c, next) => {
    c.env = await envForUser(c.env, c.req.query("user_id"));
    await next();
  });
  app.use("/v1/recommendations/*", requireScope("recommendations:read"), actsForQueryUser());
  app.on("GET", ["/v1/items/:item_id/similar", "/v1/trending"], requireScope("recommendations:read"));
  app.use("/v1/events/*", requireScope("events:write"));
  app.on("PUT", "/v1/users/:user_id/preferences", requireScope("events:write"), actsForPathUser());
  app.on("DELETE", "/v1/users/:user_id", requireScope("events:write"), actsForPathUser());
  app.route("/v1/recommendations", recommendationsRoute);
  app.route("/v1/events", eventsRoute);
  app.route("/v1/items", itemsRoute);
  app.route("/v1/trending", trendingRoute);
  app.route("/v1/users", usersRoute);
  app.route("/v1/admin", adminRoute);
  app.notFound((c) => c.json(new ApiError(404, "not_found", `no route for ${c.req.method} ${c.req.path}`).toJSON(), 404));
  app.onError((error, c) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500) {
      (c.var.logger ?? createLogger({ request_id: c.var.requestId })).error("request_failed", {
        status: apiError.status,
        code: apiError.code,
        error,
      });
    }
    if (apiError.code === "rate_limited") c.header("retry-after", String(RATE_LIMIT_RETRY_AFTER_SECONDS));
    return c.json(apiError.toJSON(), apiError.status);
  });
  return app;
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ServingConfigError) return new ApiError(500, "invalid_config", error.message);
  if (error instanceof VectorIndexError) {
    const status: ContentfulStatusCode = error.kind === "backend" ? 503 : 400;
    return new ApiError(status, "index_error", error.message, { index_code: error.code });
  }
  return new ApiError(500, "internal", "internal error");
}

/**
 * Starts a sidecar in the current process: opens the ranker (provider + first model, with the
 * configured fallback), creates the metrics and the dynamic batcher, serves the app on
 * `host:port` and returns a handle whose `close()` stops accepting connections, runs every queued
 * request without waiting for its batch to fill, lets in-flight requests finish and releases the
 * model. `main.ts` wraps this with signals and exit codes; tests call it directly.
 */
import type { AddressInfo } from "node:net";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { serve } from "@hono/node-server";
import { createSidecarApp } from "./app";
import { createRankBatcher, type RankBatcher } from "./batching/rank-batcher";
import type { SidecarConfig } from "./config";
import { errorMessage } from "../shared/errors/error-message";
import { silentLogger, type JsonLogger } from "./json-logger";
import type { ModelStore } from "./model-store";
import { openRanker, type OpenRankerOptions, type ProviderStatus } from "./open-ranker";
import { createSidecarMetrics, type SidecarMetrics } from "./sidecar-metrics";

/** Options of {@link startSidecar}. */
export interface StartSidecarOptions {
  config: SidecarConfig;
  logger?: JsonLogger;
  /** Provider factory override (tests). */
  createProvider?: OpenRankerOptions["createProvider"];
  /** How long `close()` waits for in-flight requests before cutting connections (default 10 s). */
  drainTimeoutMs?: number;
  /** Export Node's process metrics at `/metrics` too (default true). */
  processMetrics?: boolean;
}

/** A listening sidecar. */
export interface RunningSidecar {
  /** Base URL, e.g. `http://127.0.0.1:8788`. */
  url: string;
  host: string;
  /** The bound port (the real one when the config asked for port 0). */
  port: number;
  provider: ProviderStatus;
  store: ModelStore;
  batcher: RankBatcher;
  metrics: SidecarMetrics;
  /** Stops accepting, waits for in-flight requests, releases the model. `drained` is false if the drain timed out. */
  close(): Promise<{ drained: boolean }>;
}

const startDefaults = { logger: silentLogger, drainTimeoutMs: 10_000, processMetrics: true } satisfies Partial<StartSidecarOptions>;

/**
 * Opens the ranker and starts serving. Rejects (with a `ProviderUnavailableError`,
 * `ModelLoadError` or the listen error) without leaving anything running.
 *
 * @example
 * const sidecar = await startSidecar({ config: loadSidecarConfig() });
 * console.log(sidecar.url);
 * await sidecar.close();
 */
export async function startSidecar(options: StartSidecarOptions): Promise<RunningSidecar> {
  const { config, logger, drainTimeoutMs, createProvider, processMetrics } = { ...startDefaults, ...options };
  const { store, provider } = await openRanker({
    modelDir: config.modelDir,
    releasesDir: config.releasesDir,
    maxModels: config.maxModels,
    precision: config.precision,
    // Release versions load on demand, once serving (after `metrics` below exists).
    onVersionEvent: (event) => {
      metrics.countVersionEvent(event);
      if (event.kind === "loaded") {
        logger.info("model_version_loaded", { model_version: event.version, load_ms: Math.round(event.loadMs), loaded: event.loaded });
      } else if (event.kind === "evicted") {
        logger.info("model_version_evicted", { model_version: event.version, loaded: event.loaded });
      } else {
        logger.warn("model_version_load_failed", { model_version: event.version, message: event.message });
      }
    },
    provider: config.provider,
    providerFallback: config.providerFallback,
    ...(createProvider ? { createProvider } : {}),
    inferenceThreads: config.inferenceThreads,
    onThreadEvent: ({ event, ...fields }) =>
      event === "thread_replaced" ? logger.info(`inference_${event}`, fields) : logger.error(`inference_${event}`, fields),
    onFallback: (error) =>
      logger.warn("provider_fallback", { requested: error.provider, active: "cpu", reason: error.reason, remedy: error.remedy }),
    onReleaseError: (error, version) => logger.error("model_release_failed", { model_version: version, message: errorMessage(error) }),
  });
  const metrics = createSidecarMetrics({ processMetrics });
  // One batch per inference thread may run at once (inline: one at a time, as before).
  const batcher = createRankBatcher({ config: config.batching, metrics, concurrency: Math.max(1, config.inferenceThreads) });
  const app = createSidecarApp({ store, provider, maxRows: config.maxRows, authToken: config.authToken, logger, metrics, batcher });

  let server: Server;
  let address: AddressInfo;
  try {
    [server, address] = await listen(app.fetch, config.host, config.port);
  } catch (error) {
    await store.close();
    throw error;
  }
  const drain = trackResponses(server);
  const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
  logger.info("sidecar_started", {
    url,
    provider: provider.active,
    provider_requested: provider.requested,
    provider_fallback: provider.fallback?.reason ?? null,
    runtime: [provider.description.runtime, provider.description.runtimeVersion].filter(Boolean).join(" "),
    model_version: store.current?.version ?? null,
    feature_spec_hash: store.current?.featureSpecHash ?? null,
    model_path: store.current?.modelPath ?? null,
    model_precision: store.current?.precision ?? null,
    precision: config.precision,
    releases_dir: config.releasesDir ?? null,
    max_models: config.maxModels,
    max_rows: config.maxRows,
    inference_threads: config.inferenceThreads,
    batching: config.batching,
  });

  let closing: Promise<{ drained: boolean }> | undefined;
  const close = () => {
    closing ??= (async () => {
      drain.start();
      const flushed = batcher.drain();
      const drained = await closeServer(server, drainTimeoutMs);
      if (drained) await flushed;
      await store.close();
      return { drained };
    })();
    return closing;
  };
  return { url, host: address.address, port: address.port, provider, store, batcher, metrics, close };
}

function listen(fetch: (request: Request) => Response | Promise<Response>, hostname: string, port: number): Promise<[Server, AddressInfo]> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname, port }) as Server;
    const onError = (error: Error) => reject(error);
    server.once("error", onError);
    server.once("listening", () => {
      server.off("error", onError);
      resolve([server, server.address() as AddressInfo]);
    });
  });
}

/**
 * Keeps the set of unfinished responses so that, once draining starts, each one closes its
 * connection when done instead of keeping it alive (a kept-alive idle socket would hold
 * `server.close()` open until the client drops it).
 */
function trackResponses(server: Server): { start(): void } {
  const open = new Set<ServerResponse>();
  let draining = false;
  server.on("request", (_request: IncomingMessage, response: ServerResponse) => {
    if (draining) response.shouldKeepAlive = false;
    open.add(response);
    response.once("close", () => open.delete(response));
  });
  return {
    start() {
      draining = true;
      for (const response of open) if (!response.headersSent) response.shouldKeepAlive = false;
    },
  };
}

function closeServer(server: Server, drainTimeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.closeAllConnections();
      resolve(false);
    }, drainTimeoutMs);
    server.close(() => {
      clearTimeout(timer);
      resolve(true);
    });
    server.closeIdleConnections();
  });
}

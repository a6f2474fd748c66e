/**
 * The sidecar's Prometheus metrics (prom-client), served at `GET /metrics`: batch sizes, queue
 * wait, inference time, requests, rows (in all and by model version), errors by code, queue-full
 * rejections, queue depth, the default model, and the model versions loaded, loaded and evicted. Each sidecar owns its registry (no global state), so tests can create many.
 */
import { collectDefaultMetrics, Counter, exponentialBuckets, Gauge, Histogram, Registry } from "prom-client";
import type { BatcherObserver, BatcherRejectionReason } from "./batching/dynamic-batcher";
import type { ModelVersionEvent } from "./model-store";
import type { SidecarErrorCode } from "./sidecar-error";

/** Options of {@link createSidecarMetrics}. */
export interface SidecarMetricsOptions {
  /** Also export Node's process metrics (CPU, memory, event-loop lag, GC); default false. */
  processMetrics?: boolean;
}

/** Metric handles plus the registry that renders them. */
export interface SidecarMetrics {
  registry: Registry;
  /** Rows per batch run. */
  batchRows: Histogram;
  /** Requests per batch run. */
  batchRequests: Histogram;
  /** Seconds each request waited in the queue before its batch started. */
  queueWait: Histogram;
  /** Seconds of one batch's `session.run`. */
  inference: Histogram;
  /** `/v1/rank` requests answered, by HTTP status. */
  requests: Counter<"status">;
  /** Rows scored successfully. */
  rows: Counter;
  /** Rows scored successfully, by the model version that scored them. */
  rowsByVersion: Counter<"model_version">;
  /** Model versions loaded now, the default included. */
  modelsLoaded: Gauge;
  /** Release versions loaded on demand, by result (`loaded`, `failed`). */
  versionLoads: Counter<"result">;
  /** Release versions evicted to stay within SIDECAR_MAX_MODELS. */
  versionEvictions: Counter;
  /** Error responses, by error code. */
  errors: Counter<"code">;
  /** Requests refused because the queue was full. */
  queueRejections: Counter;
  /** Requests and rows waiting in the queue now. */
  queueRequests: Gauge;
  queueRows: Gauge;
  /** 1 for the model being served, labelled with its version, feature-spec hash and provider. */
  modelInfo: Gauge<"model_version" | "feature_spec_hash" | "provider">;
  /** The batcher observer that feeds the batch and queue metrics. */
  batcherObserver: BatcherObserver;
  /** Records an error response. */
  countError(code: SidecarErrorCode): void;
  /** Sets the served-model info (called before each scrape). */
  setModel(model: { version: string; featureSpecHash: string } | undefined, provider: string): void;
  /** Records a release version loaded, failing to load or evicted (the store's `onVersionEvent`). */
  countVersionEvent(event: ModelVersionEvent): void;
}

const ROW_BUCKETS = exponentialBuckets(1, 2, 14); // 1 … 8192 rows
const REQUEST_BUCKETS = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64];
const SECONDS_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/**
 * Creates the metrics on a fresh registry.
 *
 * @example
 * const metrics = createSidecarMetrics({ processMetrics: true });
 * const text = await metrics.registry.metrics(); // Prometheus text format, content type metrics.registry.contentType
 */
export function createSidecarMetrics(options: SidecarMetricsOptions = {}): SidecarMetrics {
  const { processMetrics } = { processMetrics: false, ...options };
  const registry = new Registry();
  const registers = [registry];
  if (processMetrics) collectDefaultMetrics({ register: registry });

  const batchRows = new Histogram({ name: "sidecar_batch_rows", help: "Rows per batch run.", buckets: ROW_BUCKETS, registers });
  const batchRequests = new Histogram({
    name: "sidecar_batch_requests",
    help: "Requests per batch run.",
    buckets: REQUEST_BUCKETS,
    registers,
  });
  const queueWait = new Histogram({
    name: "sidecar_queue_wait_seconds",
    help: "Time a request waited in the queue before its batch started.",
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const inference = new Histogram({
    name: "sidecar_inference_seconds",
    help: "Duration of one batch's inference (session.run).",
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const requests = new Counter({
    name: "sidecar_rank_requests_total",
    help: "POST /v1/rank requests answered, by HTTP status.",
    labelNames: ["status"] as const,
    registers,
  });
  const rows = new Counter({ name: "sidecar_rows_scored_total", help: "Feature rows scored successfully.", registers });
  const rowsByVersion = new Counter({
    name: "sidecar_model_rows_scored_total",
    help: "Feature rows scored successfully, by the model version that scored them.",
    labelNames: ["model_version"] as const,
    registers,
  });
  const modelsLoaded = new Gauge({ name: "sidecar_models_loaded", help: "Model versions loaded, the default included.", registers });
  const versionLoads = new Counter({
    name: "sidecar_model_version_loads_total",
    help: "Release model versions loaded on demand from SIDECAR_RELEASES_DIR, by result.",
    labelNames: ["result"] as const,
    registers,
  });
  const versionEvictions = new Counter({
    name: "sidecar_model_version_evictions_total",
    help: "Release model versions unloaded to stay within SIDECAR_MAX_MODELS.",
    registers,
  });
  const errors = new Counter({
    name: "sidecar_errors_total",
    help: "Error responses, by error code.",
    labelNames: ["code"] as const,
    registers,
  });
  const queueRejections = new Counter({
    name: "sidecar_queue_rejections_total",
    help: "Requests refused with 503 because the queue was full.",
    registers,
  });
  const queueRequests = new Gauge({ name: "sidecar_queue_requests", help: "Requests waiting in the batching queue.", registers });
  const queueRows = new Gauge({ name: "sidecar_queue_rows", help: "Rows waiting in the batching queue.", registers });
  const modelInfo = new Gauge({
    name: "sidecar_model_info",
    help: "The served ranker model (value 1).",
    labelNames: ["model_version", "feature_spec_hash", "provider"] as const,
    registers,
  });

  const batcherObserver: BatcherObserver = {
    batchStarted: (info) => {
      batchRows.observe(info.rows);
      batchRequests.observe(info.requests);
      for (const waitMs of info.queueWaitsMs) queueWait.observe(waitMs / 1000);
    },
    queueChanged: (depth) => {
      queueRequests.set(depth.requests);
      queueRows.set(depth.rows);
    },
    rejected: (reason: BatcherRejectionReason) => {
      if (reason === "queue_full") queueRejections.inc();
    },
  };

  return {
    registry,
    batchRows,
    batchRequests,
    queueWait,
    inference,
    requests,
    rows,
    rowsByVersion,
    modelsLoaded,
    versionLoads,
    versionEvictions,
    errors,
    queueRejections,
    queueRequests,
    queueRows,
    modelInfo,
    batcherObserver,
    countError: (code) => errors.inc({ code }),
    setModel: (model, provider) => {
      modelInfo.reset();
      if (model) modelInfo.set({ model_version: model.version, feature_spec_hash: model.featureSpecHash, provider }, 1);
    },
    countVersionEvent: (event) => {
      if (event.kind === "evicted") versionEvictions.inc();
      else versionLoads.inc({ result: event.kind === "loaded" ? "loaded" : "failed" });
    },
  };
}

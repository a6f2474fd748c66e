/**
 * `POST /v1/rank` through the dynamic batcher, on the CPU provider with a manual clock:
 * concurrent requests share one inference and each gets its own rows' scores, a full queue and a
 * timed-out request get 503 with Retry-After, a model reload drops no queued request, and
 * `/metrics` reports what happened in Prometheus format.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSidecarApp, type RankResponseBody } from "../../../gpu-sidecar/app";
import type { BatchingConfig } from "../../../gpu-sidecar/batching/dynamic-batcher";
import { createRankBatcher, type RankBatcher } from "../../../gpu-sidecar/batching/rank-batcher";
import { ModelStore } from "../../../gpu-sidecar/model-store";
import type { ProviderStatus } from "../../../gpu-sidecar/open-ranker";
import { createCpuProvider } from "../../../gpu-sidecar/providers/cpu";
import { createSidecarMetrics, type SidecarMetrics } from "../../../gpu-sidecar/sidecar-metrics";
import { FEATURE_SPEC } from "../../../shared/features/feature-spec";
import { scoreLinear, type LinearRankerModel } from "../../../shared/ranking/linear-ranker";
import { fixtureRanker, fixtureRows, tempFolder, writeModelFolder } from "../../support/ranker-fixture";
import { SIDECAR_TEST_TOKEN, withToken } from "../../support/sidecar-app-fixture";
import { manualClock, settle, type ManualClock } from "./manual-clock";

const cpuStatus: ProviderStatus = { requested: "cpu", active: "cpu", description: createCpuProvider().describe() };
const batchingConfig: Partial<BatchingConfig> = { maxBatchRows: 100, maxQueueDelayMs: 10, maxQueueRows: 50, requestTimeoutMs: 1000 };

describe("sidecar app with dynamic batching", () => {
  let folder: Awaited<ReturnType<typeof tempFolder>>;
  let store: ModelStore;
  let clock: ManualClock;
  let metrics: SidecarMetrics;
  let batcher: RankBatcher;
  let v1: LinearRankerModel;

  beforeEach(async () => {
    folder = await tempFolder();
    v1 = await writeModelFolder(folder.path, { model: fixtureRanker("v1") });
    store = new ModelStore({ modelDir: folder.path, provider: createCpuProvider() });
    await store.reload();
    clock = manualClock();
    metrics = createSidecarMetrics();
  });
  afterEach(async () => {
    await batcher.drain();
    await store.close();
    await folder.remove();
  });

  const appWith = (config: Partial<BatchingConfig> = {}) => {
    batcher = createRankBatcher({ config: { ...batchingConfig, ...config }, clock, metrics });
    return createSidecarApp({ store, provider: cpuStatus, batcher, metrics, maxRows: 50, now: clock.now, authToken: SIDECAR_TEST_TOKEN });
  };
  const rank = (app: ReturnType<typeof appWith>, rows: unknown[], extra: Record<string, unknown> = {}) =>
    app.request("/v1/rank", withToken({ method: "POST", body: JSON.stringify({ feature_spec_hash: FEATURE_SPEC.hash, rows, ...extra }) }));
  /** Lets requests in flight reach the batcher until `stats` match (bounded: gives up after 200 event-loop turns). */
  const untilStats = async (expected: Partial<RankBatcher["stats"]>) => {
    const matches = () => Object.entries(expected).every(([key, value]) => batcher.stats[key as keyof RankBatcher["stats"]] === value);
    for (let turn = 0; turn < 200 && !matches(); turn++) await settle();
    expect(batcher.stats).toMatchObject(expected);
  };
  const untilQueued = (requests: number) => untilStats({ queuedRequests: requests });
  const expectScores = (body: RankResponseBody, model: LinearRankerModel, rows: number[][]) => {
    expect(body.model_version).toBe(model.modelVersion);
    expect(body.scores).toHaveLength(rows.length);
    body.scores.forEach((score, i) => {
      expect(score).toBeCloseTo(scoreLinear(model, rows[i]!), 5);
    });
  };

  it("scores concurrent requests in one batch, each with its own rows' scores", async () => {
    const app = appWith();
    const rows = [fixtureRows(5, 1), fixtureRows(7, 2), fixtureRows(3, 3)];
    const responses = rows.map((r) => rank(app, r));
    await untilQueued(3);
    await clock.advance(10);
    const bodies = await Promise.all(responses.map(async (response) => (await response).json() as Promise<RankResponseBody>));
    bodies.forEach((body, i) => {
      expectScores(body, v1, rows[i]!);
      expect(body.batch).toEqual({ rows: 15, requests: 3 });
      expect(body.timings_ms.queue).toBe(10);
    });
  });

  it("answers 503 queue_full with Retry-After when the queue is full, and serves the queued request", async () => {
    const app = appWith();
    const first = rank(app, fixtureRows(30));
    await untilQueued(1);
    const refused = await rank(app, fixtureRows(30));
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(await refused.json()).toEqual({
      error: { code: "queue_full", message: expect.stringMatching(/limit of 50 rows \(SIDECAR_MAX_QUEUE_ROWS\); retry later$/) },
    });
    await clock.advance(10);
    expect((await first).status).toBe(200);
  });

  it("answers 503 request_timeout with Retry-After when a request waits past its deadline", async () => {
    const app = appWith({ maxQueueDelayMs: 5000, requestTimeoutMs: 100 });
    const waiting = rank(app, fixtureRows(4));
    await untilQueued(1);
    await clock.advance(100);
    const response = await waiting;
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(((await response.json()) as { error: { code: string; message: string } }).error).toEqual({
      code: "request_timeout",
      message: expect.stringContaining("no result within 100 ms"),
    });
    expect(batcher.stats.queuedRequests).toBe(0);
  });

  it("gives up at the caller's own deadline (timeout_ms) when it is shorter", async () => {
    const app = appWith({ maxQueueDelayMs: 5000, requestTimeoutMs: 1000 });
    const waiting = rank(app, fixtureRows(4), { timeout_ms: 250 });
    await untilQueued(1);
    await clock.advance(250);
    const response = await waiting;
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain("no result within 250 ms");
  });

  it("drops no queued request across a model reload: queued ones finish on the old version, new ones on the new", async () => {
    const app = appWith();
    const oldRows = [fixtureRows(4, 5), fixtureRows(4, 6)];
    const queuedBeforeReload = oldRows.map((rows) => rank(app, rows));
    await untilQueued(2);
    const v2 = await writeModelFolder(folder.path, {
      model: { ...fixtureRanker("v2"), weights: fixtureRanker().weights.map((w, i) => (i % 2 === 0 ? -w : w + 0.2)) },
    });
    await store.reload();
    const newRows = fixtureRows(4, 7);
    const afterReload = rank(app, newRows);
    // The new version's request closes the old version's batch, which runs at once.
    await untilStats({ queuedRequests: 1 });
    await clock.advance(10);

    const oldBodies = await Promise.all(queuedBeforeReload.map(async (response) => (await response).json() as Promise<RankResponseBody>));
    oldBodies.forEach((body, i) => {
      expectScores(body, v1, oldRows[i]!);
      expect(body.batch).toEqual({ rows: 8, requests: 2 });
    });
    const newBody = (await (await afterReload).json()) as RankResponseBody;
    expectScores(newBody, v2, newRows);
    expect(newBody.batch).toEqual({ rows: 4, requests: 1 });
  });

  it("serves Prometheus metrics: batches, queue wait, inference, requests, rows, errors, rejections, model", async () => {
    const app = appWith();
    const accepted = [rank(app, fixtureRows(20)), rank(app, fixtureRows(10))];
    await untilQueued(2);
    expect((await rank(app, fixtureRows(30))).status).toBe(503);
    expect((await rank(app, [[1, 2, 3]])).status).toBe(400);
    await clock.advance(10);
    await Promise.all(accepted);

    const response = await app.request("/metrics", withToken());
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await response.text();
    const lines = text.split("\n");
    for (const line of [
      'sidecar_batch_rows_bucket{le="32"} 1',
      "sidecar_batch_rows_sum 30",
      "sidecar_batch_requests_sum 2",
      "sidecar_queue_wait_seconds_count 2",
      "sidecar_queue_wait_seconds_sum 0.02",
      "sidecar_inference_seconds_count 1",
      'sidecar_rank_requests_total{status="200"} 2',
      'sidecar_rank_requests_total{status="503"} 1',
      'sidecar_rank_requests_total{status="400"} 1',
      "sidecar_rows_scored_total 30",
      'sidecar_errors_total{code="queue_full"} 1',
      'sidecar_errors_total{code="invalid_features"} 1',
      "sidecar_queue_rejections_total 1",
      "sidecar_queue_requests 0",
      "sidecar_queue_rows 0",
      `sidecar_model_info{model_version="v1",feature_spec_hash="${FEATURE_SPEC.hash}",provider="cpu"} 1`,
    ]) {
      expect(lines).toContain(line);
    }
    expect(text).toContain("# TYPE sidecar_inference_seconds histogram");
  });
});

/**
 * The sidecar served over real loopback HTTP in this process: it answers, and `close()` stops
 * accepting new connections while a request in flight, or still queued for a batch, completes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BATCHING_DEFAULTS } from "../../../gpu-sidecar/batching/dynamic-batcher";
import type { SidecarConfig } from "../../../gpu-sidecar/config";
import { createJsonLogger } from "../../../gpu-sidecar/json-logger";
import { createCpuProvider } from "../../../gpu-sidecar/providers/cpu";
import type { ExecutionProvider } from "../../../gpu-sidecar/providers/execution-provider";
import { startSidecar } from "../../../gpu-sidecar/start-sidecar";
import { InferencePool } from "../../../gpu-sidecar/threads/threaded-provider";
import { FEATURE_SPEC } from "../../../shared/features/feature-spec";
import { scoreLinear } from "../../../shared/ranking/linear-ranker";
import { fixtureRanker, fixtureRows, tempFolder, writeModelFolder } from "../../support/ranker-fixture";
import { SIDECAR_TEST_TOKEN, withToken } from "../../support/sidecar-app-fixture";

/** A promise plus the function that settles it. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** The CPU provider whose `run` signals that it started and then waits for `gate`. */
function gatedCpuProvider(started: () => void, gate: Promise<void>): ExecutionProvider {
  const cpu = createCpuProvider();
  return {
    ...cpu,
    async createSession(bytes) {
      const session = await cpu.createSession(bytes);
      return {
        ...session,
        shape: session.shape,
        release: () => session.release(),
        run: async (features, rows) => {
          started();
          await gate;
          return session.run(features, rows);
        },
      };
    },
  };
}

describe("startSidecar", () => {
  let folder: Awaited<ReturnType<typeof tempFolder>>;
  let config: SidecarConfig;

  beforeAll(async () => {
    folder = await tempFolder();
    await writeModelFolder(folder.path, { model: fixtureRanker("served-v1") });
    config = {
      host: "127.0.0.1",
      port: 0,
      modelDir: folder.path,
      releasesDir: undefined,
      maxModels: 3,
      provider: "cpu",
      providerFallback: "none",
      precision: "auto",
      maxRows: 100,
      authToken: SIDECAR_TEST_TOKEN,
      inferenceThreads: 0,
      batching: { ...BATCHING_DEFAULTS },
    };
  });
  afterAll(() => folder.remove());

  it("serves /healthz on an ephemeral loopback port", async () => {
    const sidecar = await startSidecar({ config });
    try {
      expect(sidecar.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${sidecar.url}/healthz`, { signal: AbortSignal.timeout(10_000) });
      expect(await response.json()).toMatchObject({ status: "ok", model_version: "served-v1", provider: "cpu" });
    } finally {
      await sidecar.close();
    }
  });

  it("over HTTP, refuses /v1/rank and /metrics without the token, serves them with it, and never logs the token", async () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ write: (line) => lines.push(line) });
    const sidecar = await startSidecar({ config, logger });
    try {
      const rank = (init: RequestInit) =>
        fetch(`${sidecar.url}/v1/rank`, {
          method: "POST",
          body: JSON.stringify({ feature_spec_hash: FEATURE_SPEC.hash, rows: fixtureRows(2) }),
          signal: AbortSignal.timeout(10_000),
          ...init,
        });
      const refused = await rank({ headers: { authorization: "Bearer wrong-token-wrong-token" } });
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ error: { code: "unauthorized" } });
      expect((await fetch(`${sidecar.url}/metrics`, { signal: AbortSignal.timeout(10_000) })).status).toBe(401);
      expect((await rank(withToken())).status).toBe(200);
      expect((await fetch(`${sidecar.url}/metrics`, withToken({ signal: AbortSignal.timeout(10_000) }))).status).toBe(200);
    } finally {
      await sidecar.close();
    }
    expect(lines.map((line) => JSON.parse(line).event)).toEqual(expect.arrayContaining(["sidecar_started", "request_failed"]));
    expect(lines.join("\n")).not.toContain(SIDECAR_TEST_TOKEN);
    expect(lines.join("\n")).not.toContain("wrong-token-wrong-token");
  });

  it("finishes an in-flight request on close while refusing new connections", async () => {
    const runStarted = deferred();
    const gate = deferred();
    const sidecar = await startSidecar({ config, createProvider: () => gatedCpuProvider(runStarted.resolve, gate.promise) });
    const inFlight = fetch(
      `${sidecar.url}/v1/rank`,
      withToken({
        method: "POST",
        body: JSON.stringify({ feature_spec_hash: FEATURE_SPEC.hash, rows: fixtureRows(2) }),
        signal: AbortSignal.timeout(20_000),
      }),
    );
    await runStarted.promise;

    const closing = sidecar.close();
    await expect(fetch(`${sidecar.url}/healthz`, { signal: AbortSignal.timeout(10_000) })).rejects.toThrow();

    gate.resolve();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { scores: number[] }).scores).toHaveLength(2);
    expect(await closing).toEqual({ drained: true });
  });

  it("on close runs queued requests at once instead of waiting for their batch to fill", async () => {
    const sidecar = await startSidecar({
      config: { ...config, batching: { ...config.batching, maxQueueDelayMs: 10_000, requestTimeoutMs: 60_000 } },
    });
    const queued = fetch(
      `${sidecar.url}/v1/rank`,
      withToken({
        method: "POST",
        body: JSON.stringify({ feature_spec_hash: FEATURE_SPEC.hash, rows: fixtureRows(3) }),
        signal: AbortSignal.timeout(20_000),
      }),
    );
    for (let poll = 0; poll < 400 && sidecar.batcher.stats.queuedRequests === 0; poll++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(sidecar.batcher.stats.queuedRequests).toBe(1);

    const closing = sidecar.close();
    const response = await queued;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { scores: number[] }).scores).toHaveLength(3);
    expect(await closing).toEqual({ drained: true });
  });

  it("with inference threads, scores concurrent requests in the threads and stops them on close", async () => {
    const sidecar = await startSidecar({ config: { ...config, inferenceThreads: 2 } });
    const pool = sidecar.store.current?.session;
    expect(pool).toBeInstanceOf(InferencePool);
    const threads = (pool as InferencePool).workers.map(({ worker }) => worker);
    expect(threads).toHaveLength(2);
    const exits = threads.map((worker) => new Promise((resolve) => worker.once("exit", resolve)));
    try {
      const model = fixtureRanker("served-v1");
      const batches = Array.from({ length: 8 }, (_, i) => fixtureRows(20 + i * 10, 50 + i));
      const responses = await Promise.all(
        batches.map((rows) =>
          fetch(
            `${sidecar.url}/v1/rank`,
            withToken({
              method: "POST",
              body: JSON.stringify({ feature_spec_hash: FEATURE_SPEC.hash, rows }),
              signal: AbortSignal.timeout(20_000),
            }),
          ).then(async (response) => ({ status: response.status, body: (await response.json()) as { scores: number[] } })),
        ),
      );
      responses.forEach(({ status, body }, i) => {
        expect(status).toBe(200);
        expect(body.scores).toHaveLength(batches[i]!.length);
        body.scores.forEach((score, j) => {
          expect(score).toBeCloseTo(scoreLinear(model, batches[i]![j]!), 5);
        });
      });
    } finally {
      expect(await sidecar.close()).toEqual({ drained: true });
    }
    await Promise.all(exits);
    expect((pool as InferencePool).threadCount).toBe(0);
  });
});

/**
 * Inference in worker threads (`SIDECAR_INFERENCE_THREADS`), on the real onnxruntime CPU provider:
 * the same scores as inline, batches spread over the threads, reload keeping its guarantees,
 * load errors raised exactly as inline, and a dead thread failing only its batch (500
 * `inference_failed`) and being replaced.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Worker } from "node:worker_threads";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RankResponseBody } from "../../../gpu-sidecar/app";
import { createRankBatcher } from "../../../gpu-sidecar/batching/rank-batcher";
import { ModelLoadError } from "../../../gpu-sidecar/model-load-error";
import { ModelStore } from "../../../gpu-sidecar/model-store";
import { openRanker } from "../../../gpu-sidecar/open-ranker";
import { createCpuProvider } from "../../../gpu-sidecar/providers/cpu";
import { createExecutionProvider } from "../../../gpu-sidecar/providers/create-execution-provider";
import { ProviderUnavailableError, type RankerSession } from "../../../gpu-sidecar/providers/execution-provider";
import { createThreadedProvider, InferencePool, InferenceThreadError } from "../../../gpu-sidecar/threads/threaded-provider";
import { linearRankerToOnnx } from "../../../pipeline/export/onnx-linear-ranker";
import { FEATURE_SPEC } from "../../../shared/features/feature-spec";
import { scoreLinear } from "../../../shared/ranking/linear-ranker";
import { fixtureRanker, fixtureRows, tempFolder, writeModelFolder } from "../../support/ranker-fixture";
import { useFixtureSidecarApp, withToken } from "../../support/sidecar-app-fixture";
import { probeProvider } from "./provider-availability";

const OCTET = "application/octet-stream";
const pack = (rows: number[][]) => Float32Array.from(rows.flat());

/** Polls `condition` every 10 ms for up to `timeoutMs`; fails the test with `what` if it never holds. */
async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Makes whichever thread is handed the next batch die with it: the batch message is swallowed and
 * the thread terminated, so the batch is certainly in flight when its thread stops. Returns the
 * undo (for threads that were not hit).
 */
function killThreadOnNextBatch(pool: InferencePool): { killed: Promise<Worker>; restore: () => void } {
  const threads = pool.workers.map(({ worker }) => ({ worker, postMessage: worker.postMessage }));
  let hit: (worker: Worker) => void = () => {};
  const killed = new Promise<Worker>((resolve) => (hit = resolve));
  const restore = () => {
    for (const { worker, postMessage } of threads) worker.postMessage = postMessage;
  };
  for (const { worker } of threads) {
    worker.postMessage = (message: unknown) => {
      if ((message as { type?: string }).type !== "run") return;
      restore();
      void worker.terminate();
      hit(worker);
    };
  }
  return { killed, restore };
}

function asPool(session: RankerSession | undefined): InferencePool {
  expect(session).toBeInstanceOf(InferencePool);
  return session as InferencePool;
}

describe("threaded inference pool", () => {
  const bytes = linearRankerToOnnx(fixtureRanker());
  let inline: RankerSession;
  let pool: InferencePool;

  beforeAll(async () => {
    inline = await createCpuProvider().createSession(bytes);
    pool = asPool(await createThreadedProvider("cpu", { threads: 2 }).createSession(bytes));
  });
  afterAll(async () => {
    await inline?.release();
    await pool?.release();
  });

  it("loads the model in every thread and reports the inline provider's shape and description", async () => {
    expect(pool.threadCount).toBe(2);
    expect(pool.shape).toEqual(inline.shape);
    expect(pool.description).toMatchObject({ name: "cpu", runtime: "onnxruntime-node", device: "cpu" });
    expect(pool.description.runtimeVersion).toMatch(/^\d+\.\d+/);
  });

  it("gives exactly the inline scores for the same rows, and moves (not copies) a whole feature buffer", async () => {
    const rows = fixtureRows(500, 11);
    const expected = await inline.run(pack(rows), rows.length);
    const features = pack(rows);
    const scores = await pool.run(features, rows.length);
    expect(Array.from(scores)).toEqual(Array.from(expected));
    expect(features.buffer.byteLength).toBe(0); // transferred to the thread, detached here
  });

  it("copies a matrix that is a view into a larger buffer, leaving the caller's buffer intact", async () => {
    const rows = fixtureRows(20, 12);
    const backing = new Float32Array(rows.length * FEATURE_SPEC.size + 8);
    backing.set(pack(rows), 4);
    const view = backing.subarray(4, 4 + rows.length * FEATURE_SPEC.size);
    const scores = await pool.run(view, rows.length);
    expect(backing.buffer.byteLength).toBe(backing.length * 4);
    expect(Array.from(scores)).toEqual(Array.from(await inline.run(pack(rows), rows.length)));
  });

  it("runs concurrent batches on both threads and answers each with its own rows' scores", async () => {
    const batches = Array.from({ length: 12 }, (_, i) => fixtureRows(50 + i * 37, 100 + i));
    const runs = batches.map((rows) => pool.run(pack(rows), rows.length));
    // Two batches went to the two threads at once; the other ten wait for an idle thread.
    expect(pool.workers.filter((thread) => thread.busy)).toHaveLength(2);
    expect(pool.queuedBatches).toBe(10);
    const results = await Promise.all(runs);
    for (const [i, rows] of batches.entries()) {
      expect(Array.from(results[i]!)).toEqual(Array.from(await inline.run(pack(rows), rows.length)));
    }
    expect(pool.queuedBatches).toBe(0);
  });

  it("fails only the batch of a thread that dies, with a clear error, and replaces the thread", async () => {
    const rows = fixtureRows(300, 7);
    const { killed } = killThreadOnNextBatch(pool);
    const doomed = pool.run(pack(rows), rows.length);
    const other = pool.run(pack(rows), rows.length); // the other thread's batch is unaffected
    const dead = await killed;
    await expect(doomed).rejects.toThrow(InferenceThreadError);
    await expect(doomed).rejects.toThrow(
      /^inference thread [12] stopped \(exit code 1\) while scoring a batch of 300 rows; it is being replaced$/,
    );
    expect(Array.from(await other)).toEqual(Array.from(await inline.run(pack(rows), rows.length)));
    await until(() => pool.threadCount === 2, "the dead thread has been replaced");
    expect(pool.workers.map((thread) => thread.worker)).not.toContain(dead);
    const again = await Promise.all([pool.run(pack(rows), rows.length), pool.run(pack(rows), rows.length)]);
    for (const scores of again) expect(Array.from(scores)).toEqual(Array.from(await inline.run(pack(rows), rows.length)));
  });

  it("stops its threads on release and refuses batches afterwards", async () => {
    const own = asPool(await createThreadedProvider("cpu", { threads: 2 }).createSession(bytes));
    const workers = own.workers.map((thread) => thread.worker);
    const exits = workers.map((worker) => new Promise((resolve) => worker.once("exit", resolve)));
    const rows = fixtureRows(10);
    const running = own.run(pack(rows), rows.length);
    await own.release();
    expect(Array.from(await running)).toEqual(Array.from(await inline.run(pack(rows), rows.length))); // finished before release
    await Promise.all(exits);
    expect(own.threadCount).toBe(0);
    await expect(own.run(pack(rows), rows.length)).rejects.toThrow("the model's inference threads have been released");
  });
});

describe("threaded provider load errors", () => {
  it("raises a model the runtime cannot load as the same ModelLoadError as inline", async () => {
    const garbage = new TextEncoder().encode("not an onnx model");
    const inlineError = await createCpuProvider()
      .createSession(garbage)
      .catch((error: unknown) => error);
    const threadedError = await createThreadedProvider("cpu", { threads: 2 })
      .createSession(garbage)
      .catch((error: unknown) => error);
    expect(inlineError).toBeInstanceOf(ModelLoadError);
    expect(threadedError).toBeInstanceOf(ModelLoadError);
    expect((threadedError as ModelLoadError).code).toBe((inlineError as ModelLoadError).code);
    expect((threadedError as Error).message).toBe((inlineError as Error).message);
  });

  it("raises an unavailable provider as the same ProviderUnavailableError as inline, and falls back to threaded CPU", async (ctx) => {
    const cuda = await probeProvider("cuda");
    if (cuda.available) return ctx.skip("CUDA is available here; the unavailable case cannot be shown");
    const bytes = linearRankerToOnnx(fixtureRanker());
    const threadedError = await createThreadedProvider("cuda", { threads: 1 })
      .createSession(bytes)
      .catch((error: unknown) => error);
    expect(threadedError).toBeInstanceOf(ProviderUnavailableError);
    expect((threadedError as Error).message).toBe(cuda.error.message);
    expect(createThreadedProvider("cuda", { threads: 1 }).describe()).toEqual(createExecutionProvider("cuda").describe());

    const folder = await tempFolder();
    try {
      await writeModelFolder(folder.path, { model: fixtureRanker("fallback-v1") });
      await expect(openRanker({ modelDir: folder.path, provider: "cuda", providerFallback: "none", inferenceThreads: 2 })).rejects.toThrow(
        cuda.error.message,
      );
      const { store, provider } = await openRanker({
        modelDir: folder.path,
        provider: "cuda",
        providerFallback: "cpu",
        inferenceThreads: 2,
      });
      try {
        expect(provider).toMatchObject({ requested: "cuda", active: "cpu", fallback: { from: "cuda", reason: cuda.error.reason } });
        expect(asPool(store.current?.session).threadCount).toBe(2);
      } finally {
        await store.close();
      }
    } finally {
      await folder.remove();
    }
  });

  it("rejects a thread count below 1", () => {
    expect(() => createThreadedProvider("cpu", { threads: 0 })).toThrow("inference threads must be a positive integer, got 0");
  });
});

describe("threaded model reload", () => {
  let folder: Awaited<ReturnType<typeof tempFolder>>;
  let store: ModelStore;

  beforeEach(async () => {
    folder = await tempFolder();
    await writeModelFolder(folder.path, { model: fixtureRanker("reload-v1") });
    store = new ModelStore({ modelDir: folder.path, provider: createThreadedProvider("cpu", { threads: 2 }) });
    await store.reload();
  });
  afterEach(async () => {
    await store.close();
    await folder.remove();
  });

  it("finishes requests queued on the old version on it, serves new ones on the new, then stops the old threads", async () => {
    const v1 = fixtureRanker("reload-v1");
    const v2 = { ...fixtureRanker("reload-v2"), bias: 0.7 };
    const oldPool = asPool(store.current?.session);
    // No deadline: the reload below starts two threads, which can take over a second on a busy machine.
    const batcher = createRankBatcher({ config: { maxQueueDelayMs: 60_000, requestTimeoutMs: 600_000 }, concurrency: 2 });
    const submit = (rows: number[][]) => {
      const lease = store.acquire()!;
      return batcher.submit({ rows: rows.length, group: lease.model, payload: pack(rows), release: lease.release }).then((result) => ({
        version: lease.model.version,
        scores: Array.from(result.scores),
      }));
    };
    const oldRows = [fixtureRows(40, 1), fixtureRows(60, 2), fixtureRows(25, 3)];
    const queuedOnOld = oldRows.map(submit);
    expect(batcher.stats.queuedRequests).toBe(3);

    await writeModelFolder(folder.path, { model: v2 });
    const { model, previousVersion } = await store.reload();
    expect([model.version, previousVersion]).toEqual(["reload-v2", "reload-v1"]);
    const newPool = asPool(model.session);
    expect(newPool.threadCount).toBe(2); // loaded in the threads before the swap
    expect(oldPool.threadCount).toBe(2); // still held by the queued requests

    const newRows = [fixtureRows(30, 4), fixtureRows(45, 5)];
    const queuedOnNew = newRows.map(submit);
    await batcher.drain();
    const [oldResults, newResults] = await Promise.all([Promise.all(queuedOnOld), Promise.all(queuedOnNew)]);
    oldResults.forEach((result, i) => {
      expect(result.version).toBe("reload-v1");
      result.scores.forEach((score, j) => {
        expect(score).toBeCloseTo(scoreLinear(v1, oldRows[i]![j]!), 5);
      });
    });
    newResults.forEach((result, i) => {
      expect(result.version).toBe("reload-v2");
      result.scores.forEach((score, j) => {
        expect(score).toBeCloseTo(scoreLinear(v2, newRows[i]![j]!), 5);
      });
    });
    await until(() => oldPool.threadCount === 0, "the old version's threads have stopped");
    expect(newPool.threadCount).toBe(2);
  });

  it("keeps serving the old version when the new one fails to load in the threads", async () => {
    await writeFile(join(folder.path, "ranker-reload-v1.onnx"), "not an onnx model");
    await writeFile(
      join(folder.path, "manifest.json"),
      JSON.stringify({ modelVersion: "broken", featureSpecHash: FEATURE_SPEC.hash, ranker: { onnx: "ranker-reload-v1.onnx" } }),
    );
    await expect(store.reload()).rejects.toThrow(ModelLoadError);
    expect(store.current?.version).toBe("reload-v1");
    const rows = fixtureRows(5);
    const scores = await store.current!.session.run(pack(rows), rows.length);
    Array.from(scores).forEach((score, i) => {
      expect(score).toBeCloseTo(scoreLinear(fixtureRanker(), rows[i]!), 5);
    });
  });
});

describe("sidecar app with inference threads", () => {
  const inlineApp = useFixtureSidecarApp("threads-v1");
  const threaded = useFixtureSidecarApp("threads-v1", { inferenceThreads: 2 });
  const rankJson = (app: ReturnType<typeof threaded.appWith>, rows: number[][]) =>
    app.request("/v1/rank", withToken({ method: "POST", body: JSON.stringify({ feature_spec_hash: FEATURE_SPEC.hash, rows }) }));
  const rankBinary = (app: ReturnType<typeof threaded.appWith>, rows: number[][]) =>
    app.request(
      "/v1/rank",
      withToken({
        method: "POST",
        headers: { "content-type": OCTET, "x-feature-spec-hash": FEATURE_SPEC.hash },
        body: new Uint8Array(pack(rows).buffer),
      }),
    );

  it("answers the same scores as the inline app, in both encodings", async () => {
    const rows = fixtureRows(300, 31);
    const inline = (await (await rankJson(inlineApp.appWith(), rows)).json()) as RankResponseBody;
    const json = await rankJson(threaded.appWith(), rows);
    expect(json.status).toBe(200);
    expect(((await json.json()) as RankResponseBody).scores).toEqual(inline.scores);
    const binary = await rankBinary(threaded.appWith(), rows);
    expect(binary.status).toBe(200);
    expect(((await binary.json()) as RankResponseBody).scores).toEqual(inline.scores);
    inline.scores.forEach((score, i) => {
      expect(score).toBeCloseTo(scoreLinear(threaded.model, rows[i]!), 5);
    });
  });

  it("answers 500 inference_failed when the batch's thread dies, then recovers", async () => {
    const pool = asPool(threaded.store().current?.session);
    const app = threaded.appWith({ batcher: createRankBatcher({ config: { enabled: false }, concurrency: 2 }) });
    const { restore } = killThreadOnNextBatch(pool);
    let response: Response;
    try {
      response = await rankJson(app, fixtureRows(3));
    } finally {
      restore();
    }
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: {
        code: "inference_failed",
        message: expect.stringMatching(
          /^inference failed on cpu: inference thread [12] stopped \(exit code 1\) while scoring a batch of 3 rows; it is being replaced$/,
        ),
      },
    });
    const rows = fixtureRows(8, 3);
    const next = await rankJson(app, rows);
    expect(next.status).toBe(200);
    ((await next.json()) as RankResponseBody).scores.forEach((score, i) => {
      expect(score).toBeCloseTo(scoreLinear(threaded.model, rows[i]!), 5);
    });
    await until(() => pool.threadCount === 2, "the dead thread has been replaced");
  });
});

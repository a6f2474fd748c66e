/**
 * The dynamic batcher on a manual clock: when a batch runs (max rows, max delay, a request that
 * does not fit, a new model version), the bounded queue, per-request timeouts, batching off and
 * draining. No real time passes in these tests.
 */
import { describe, expect, it } from "vitest";
import {
  BatcherRejection,
  DynamicBatcher,
  type Batch,
  type BatchingConfig,
  type BatcherObserver,
} from "../../../gpu-sidecar/batching/dynamic-batcher";
import { manualClock, settle } from "./manual-clock";

/** A request in these tests: its name; the "model" is the group. */
interface Job {
  name: string;
}

/** A batcher whose batches wait until the test finishes them (`finish()`), recording every batch. */
function harness(config: Partial<BatchingConfig> = {}, observer: BatcherObserver = {}) {
  const clock = manualClock();
  const batches: { names: string[]; rows: number; group: unknown; startedAt: number }[] = [];
  const pending: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  const released: string[] = [];
  const batcher = new DynamicBatcher<Job, string>({
    maxBatchRows: 10,
    maxQueueDelayMs: 5,
    maxQueueRows: 40,
    requestTimeoutMs: 1000,
    ...config,
    clock,
    observer,
    run: (batch: Batch<Job>) => {
      const names = batch.payloads.map((job) => job.name);
      batches.push({ names, rows: batch.rows, group: batch.group, startedAt: clock.now() });
      return new Promise<string[]>((resolve, reject) => {
        pending.push({ resolve: () => resolve(names.map((name) => `scored ${name}`)), reject });
      });
    },
  });
  const outcomes = new Map<string, string>();
  const submit = (name: string, rows: number, group: unknown = "v1", timeoutMs?: number) => {
    const result = batcher.submit({ rows, group, payload: { name }, timeoutMs, release: () => released.push(name) });
    result.then(
      (value) => outcomes.set(name, value),
      (error: unknown) => outcomes.set(name, error instanceof BatcherRejection ? `rejected: ${error.reason}` : `failed: ${String(error)}`),
    );
    return result;
  };
  /** Finishes the oldest running batch successfully. */
  const finish = async () => {
    pending.shift()!.resolve();
    await settle();
  };
  const names = () => batches.map((batch) => batch.names);
  return { clock, batcher, batches, names, submit, finish, pending, outcomes, released };
}

describe("DynamicBatcher", () => {
  it("runs a batch as soon as it reaches the maximum rows, without waiting", async () => {
    const h = harness();
    h.submit("a", 4);
    h.submit("b", 6);
    await settle();
    expect(h.names()).toEqual([["a", "b"]]);
    expect(h.batches[0]).toMatchObject({ rows: 10, startedAt: 0 });
    await h.finish();
    expect(h.outcomes).toEqual(
      new Map([
        ["a", "scored a"],
        ["b", "scored b"],
      ]),
    );
  });

  it("runs a partial batch when the oldest request has waited the maximum delay", async () => {
    const h = harness();
    h.submit("a", 3);
    await h.clock.advance(2);
    h.submit("b", 3);
    await h.clock.advance(2.999);
    expect(h.names()).toEqual([]);
    await h.clock.advance(0.001);
    expect(h.names()).toEqual([["a", "b"]]);
    expect(h.batches[0]!.startedAt).toBe(5);
  });

  it("closes a batch when the next request does not fit, and that request waits its own delay", async () => {
    const h = harness();
    h.submit("a", 6);
    h.submit("b", 6);
    await settle();
    expect(h.names()).toEqual([["a"]]);
    await h.finish();
    expect(h.names()).toEqual([["a"]]);
    await h.clock.advance(5);
    expect(h.names()).toEqual([["a"], ["b"]]);
  });

  it("runs a request larger than the maximum batch alone, at once", async () => {
    const h = harness();
    h.submit("big", 25);
    await settle();
    expect(h.batches).toEqual([expect.objectContaining({ names: ["big"], rows: 25 })]);
  });

  it("fills the next batch while one runs and starts it when the executor is free", async () => {
    const h = harness();
    h.submit("a", 10);
    await settle();
    h.submit("b", 4);
    h.submit("c", 4);
    await h.clock.advance(20);
    expect(h.names()).toEqual([["a"]]);
    await h.finish();
    expect(h.names()).toEqual([["a"], ["b", "c"]]);
    expect(h.batches[1]!.startedAt).toBe(20);
  });

  it("never batches requests of different groups (model versions) together", async () => {
    const h = harness();
    h.submit("old-1", 2, "v1");
    h.submit("old-2", 2, "v1");
    h.submit("new-1", 2, "v2");
    await settle();
    expect(h.names()).toEqual([["old-1", "old-2"]]);
    expect(h.batches[0]!.group).toBe("v1");
    await h.finish();
    await h.clock.advance(5);
    expect(h.names()).toEqual([["old-1", "old-2"], ["new-1"]]);
    expect(h.batches[1]!.group).toBe("v2");
  });

  it("batches each group's requests together past requests of other groups, oldest group first, never mixing them", async () => {
    const h = harness({ maxBatchRows: 100 });
    h.submit("busy", 1, "v1");
    await h.clock.advance(5);
    // Queued while a batch runs (as under load): the two groups interleave.
    h.submit("a1", 2, "v1");
    h.submit("b1", 2, "v2");
    h.submit("a2", 2, "v1");
    h.submit("b2", 2, "v2");
    h.submit("a3", 2, "v1");
    await h.finish();
    // Another group waits, so the oldest group's batch runs at once, with all of its requests.
    expect(h.names()).toEqual([["busy"], ["a1", "a2", "a3"]]);
    expect(h.batcher.stats).toMatchObject({ queuedRequests: 2, queuedRows: 4 });
    await h.finish();
    await h.clock.advance(5); // alone in the queue now, the other group waits for its batch to fill as usual
    expect(h.names()).toEqual([["busy"], ["a1", "a2", "a3"], ["b1", "b2"]]);
    expect(h.batches.map((batch) => batch.group)).toEqual(["v1", "v1", "v2"]);
    await h.finish();
    for (const name of ["a1", "a2", "a3", "b1", "b2"]) expect(h.outcomes.get(name)).toBe(`scored ${name}`);
  });

  it("keeps arrival order within a group when a group's batch is full", async () => {
    const h = harness({ maxBatchRows: 4 });
    h.submit("busy", 4, "v1");
    await settle();
    h.submit("a1", 2, "v1");
    h.submit("b1", 2, "v2");
    h.submit("a2", 2, "v1");
    h.submit("a3", 2, "v1");
    await h.finish();
    expect(h.names()).toEqual([["busy"], ["a1", "a2"]]);
    await h.finish();
    // b1 is now the oldest: its group goes next, then a3.
    expect(h.names()).toEqual([["busy"], ["a1", "a2"], ["b1"]]);
    await h.finish();
    await h.clock.advance(5);
    expect(h.names()).toEqual([["busy"], ["a1", "a2"], ["b1"], ["a3"]]);
    await h.finish();
  });

  it("refuses a request that would overfill the queue, at once, and accepts again once it drains", async () => {
    const h = harness({ maxQueueRows: 12, maxBatchRows: 100 });
    h.submit("a", 6);
    h.submit("b", 6);
    await expect(h.submit("c", 1)).rejects.toMatchObject({ reason: "queue_full", message: expect.stringContaining("limit of 12 rows") });
    expect(h.released).toEqual(["c"]);
    expect(h.batcher.stats).toEqual({ queuedRequests: 2, queuedRows: 12, runningBatches: 0 });
    await h.clock.advance(5);
    expect(h.names()).toEqual([["a", "b"]]);
    h.submit("d", 12);
    expect(h.batcher.stats.queuedRows).toBe(12);
  });

  it("times out a request still queued at its deadline and drops it from the queue", async () => {
    const h = harness({ requestTimeoutMs: 50, maxQueueDelayMs: 100 });
    h.submit("a", 3);
    await h.clock.advance(49);
    expect(h.outcomes.has("a")).toBe(false);
    await h.clock.advance(1);
    expect(h.outcomes.get("a")).toBe("rejected: timeout");
    expect(h.released).toEqual(["a"]);
    expect(h.batcher.stats).toEqual({ queuedRequests: 0, queuedRows: 0, runningBatches: 0 });
    h.submit("b", 10);
    await h.finish();
    expect(h.names()).toEqual([["b"]]);
    expect(h.outcomes.get("b")).toBe("scored b");
  });

  it("honours a request's own deadline when it is shorter than the configured one", async () => {
    const h = harness({ requestTimeoutMs: 1000, maxQueueDelayMs: 500 });
    h.submit("impatient", 3, "v1", 40);
    h.submit("patient", 3, "v1", 5000);
    await h.clock.advance(40);
    expect(h.outcomes.get("impatient")).toBe("rejected: timeout");
    expect(h.outcomes.has("patient")).toBe(false);
    await h.clock.advance(460);
    expect(h.names()).toEqual([["patient"]]);
  });

  it("answers a request whose batch outlives its deadline, but releases it only when the batch ends", async () => {
    const h = harness({ requestTimeoutMs: 50 });
    h.submit("slow", 10);
    await h.clock.advance(50);
    expect(h.outcomes.get("slow")).toBe("rejected: timeout");
    expect(h.released).toEqual([]);
    await h.finish();
    expect(h.released).toEqual(["slow"]);
    expect(h.outcomes.get("slow")).toBe("rejected: timeout");
  });

  it("with batching off runs each request alone and without delay, one batch at a time", async () => {
    const h = harness({ enabled: false });
    h.submit("a", 1);
    h.submit("b", 1);
    await settle();
    expect(h.names()).toEqual([["a"]]);
    await h.finish();
    expect(h.names()).toEqual([["a"], ["b"]]);
    expect(h.batches.map((batch) => batch.startedAt)).toEqual([0, 0]);
  });

  it("rejects every request of a batch that fails, and keeps serving", async () => {
    const h = harness();
    h.submit("a", 5);
    h.submit("b", 5);
    await settle();
    h.pending.shift()!.reject(new Error("inference failed"));
    await settle();
    expect(h.outcomes.get("a")).toBe("failed: Error: inference failed");
    expect(h.outcomes.get("b")).toBe("failed: Error: inference failed");
    expect(h.released).toEqual(["a", "b"]);
    h.submit("c", 10);
    await h.finish();
    expect(h.outcomes.get("c")).toBe("scored c");
  });

  it("drain runs everything queued at once and resolves when idle", async () => {
    const h = harness();
    h.submit("a", 2);
    h.submit("b", 2);
    let drained = false;
    const draining = h.batcher.drain().then(() => (drained = true));
    await settle();
    expect(h.names()).toEqual([["a", "b"]]);
    expect(drained).toBe(false);
    await h.finish();
    await draining;
    expect(h.outcomes.get("b")).toBe("scored b");
  });

  it("reports batch sizes, queue waits, queue depth and rejections to its observer", async () => {
    const started: { rows: number; requests: number; queueWaitsMs: number[] }[] = [];
    const depths: number[] = [];
    const rejected: string[] = [];
    const h = harness(
      { maxQueueRows: 8 },
      {
        batchStarted: (info) => started.push(info),
        queueChanged: (depth) => depths.push(depth.rows),
        rejected: (reason) => rejected.push(reason),
      },
    );
    h.submit("a", 4);
    await h.clock.advance(3);
    h.submit("b", 4);
    h.submit("c", 1);
    await h.clock.advance(2);
    expect(started).toEqual([{ rows: 8, requests: 2, queueWaitsMs: [5, 2] }]);
    expect(depths).toEqual([4, 8, 0]);
    expect(rejected).toEqual(["queue_full"]);
  });
});

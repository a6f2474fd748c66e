/**
 * The catalogue publisher (shared/catalog/catalog-publisher.ts) against a KV whose puts the test
 * settles by hand: publishes run one at a time, a burst coalesces into the newest version, an
 * older put can never land after a newer one, and a failed put leaves the version unpublished for
 * the next try. No clock: each step waits only for pending promise callbacks to run.
 */
import { describe, expect, it } from "vitest";
import type { CatalogRecord } from "../../../shared/catalog/apply-catalog-change";
import { CatalogPublisher } from "../../../shared/catalog/catalog-publisher";

/** Lets every pending promise callback run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

interface PendingPut {
  record: CatalogRecord;
  value: string;
  resolve(): void;
  reject(error: Error): void;
}

/** A publisher over a fake KV: `versions` is the owner's state, `kv` what has landed, `puts` every put asked for. */
function harness() {
  const versions: Record<CatalogRecord, number> = { status: 0, fresh: 0 };
  let published: Record<CatalogRecord, number> = { status: 0, fresh: 0 };
  const kv: Partial<Record<CatalogRecord, string>> = {};
  const puts: PendingPut[] = [];
  const publisher = new CatalogPublisher({
    current: () => ({
      status: { version: versions.status, render: () => `status v${versions.status}` },
      fresh: { version: versions.fresh, render: () => `fresh v${versions.fresh}` },
    }),
    published: () => published,
    write: (record, value) =>
      new Promise<void>((resolve, reject) => {
        const settle = () => {
          kv[record] = value;
          resolve();
        };
        puts.push({ record, value, resolve: settle, reject });
      }),
    markPublished: (record, version) => (published = { ...published, [record]: version }),
  });
  const outcomes: string[] = [];
  const publish = (label: string) =>
    publisher.publish({ ...versions }).then(
      () => outcomes.push(`${label} ok`),
      (error: Error) => outcomes.push(`${label} ${error.message}`),
    );
  return { versions, kv, puts, publisher, outcomes, publish, published: () => published };
}

describe("CatalogPublisher", () => {
  it("runs one put at a time and coalesces the changes made meanwhile into the newest version", async () => {
    const h = harness();
    h.versions.status = 1;
    void h.publish("first");
    await settle();
    h.versions.status = 2;
    void h.publish("second");
    h.versions.status = 3;
    void h.publish("third");
    await settle();
    expect(h.puts.map((put) => put.value)).toEqual(["status v1"]);

    h.puts[0]!.resolve();
    await settle();
    expect(h.outcomes).toEqual(["first ok"]);
    expect(h.puts.map((put) => put.value)).toEqual(["status v1", "status v3"]);

    h.puts[1]!.resolve();
    await settle();
    expect(h.outcomes).toEqual(["first ok", "second ok", "third ok"]);
    expect(h.puts).toHaveLength(2);
    expect(h.kv.status).toBe("status v3");
    expect(h.published()).toEqual({ status: 3, fresh: 0 });
  });

  it("never lets an older put land after a newer one, however slow it is", async () => {
    const h = harness();
    h.versions.status = 1;
    void h.publish("old");
    await settle();
    h.versions.status = 2;
    void h.publish("new");
    await settle();
    // The newer put is not even asked for while the older one is in flight.
    expect(h.puts).toHaveLength(1);
    h.puts[0]!.resolve();
    await settle();
    h.puts[1]!.resolve();
    await settle();
    expect(h.kv.status).toBe("status v2");
    expect(h.outcomes).toEqual(["old ok", "new ok"]);
  });

  it("rejects a waiter whose version did not land, and publishes it on the next try", async () => {
    const h = harness();
    h.versions.status = 1;
    void h.publish("write");
    await settle();
    h.puts[0]!.reject(new Error("KV put failed: 429"));
    await settle();
    expect(h.outcomes).toEqual(["write KV put failed: 429"]);
    expect(h.published()).toEqual({ status: 0, fresh: 0 });
    expect(h.kv.status).toBeUndefined();

    void h.publish("retry");
    await settle();
    h.puts[1]!.resolve();
    await settle();
    expect(h.outcomes).toEqual(["write KV put failed: 429", "retry ok"]);
    expect(h.kv.status).toBe("status v1");
    expect(h.published()).toEqual({ status: 1, fresh: 0 });
  });

  it("writes only the records that are behind, and does nothing when all are published", async () => {
    const h = harness();
    h.versions.fresh = 1;
    void h.publish("fresh");
    await settle();
    expect(h.puts.map((put) => put.record)).toEqual(["fresh"]);
    h.puts[0]!.resolve();
    await settle();
    void h.publish("again");
    await settle();
    expect(h.puts).toHaveLength(1);
    expect(h.outcomes).toEqual(["fresh ok", "again ok"]);
  });

  it("keeps one record's landed version when the other record's put fails", async () => {
    const h = harness();
    h.versions.status = 1;
    h.versions.fresh = 1;
    void h.publish("both");
    await settle();
    h.puts.find((put) => put.record === "status")!.resolve();
    h.puts.find((put) => put.record === "fresh")!.reject(new Error("fresh failed"));
    await settle();
    expect(h.outcomes).toEqual(["both fresh failed"]);
    expect(h.published()).toEqual({ status: 1, fresh: 0 });
  });

  it("runs queued tasks in order, after a failed one too", async () => {
    const h = harness();
    const order: string[] = [];
    const failing = h.publisher.serially(async () => {
      order.push("a");
      throw new Error("a failed");
    });
    const next = h.publisher.serially(async () => order.push("b"));
    await expect(failing).rejects.toThrow("a failed");
    await next;
    expect(order).toEqual(["a", "b"]);
  });
});

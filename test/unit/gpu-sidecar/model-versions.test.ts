/**
 * Several model versions in one ModelStore: the default model plus release versions loaded on
 * demand from the releases folder (once, however many requests ask at the same time), strict
 * version names, unavailable versions, and least-recently-used eviction at `maxModels` that never
 * evicts the default or a version with a request in flight.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ModelStore, type ModelStoreOptions, type ModelVersionEvent } from "../../../gpu-sidecar/model-store";
import { isValidModelVersion, ModelVersionError } from "../../../gpu-sidecar/model-version";
import { scoreLinear } from "../../../shared/ranking/linear-ranker";
import { fixtureRows } from "../../support/ranker-fixture";
import { newRecord, recordingProvider, releaseFolders, versionRanker, type ProviderRecord } from "./release-fixture";

const pack = (rows: number[][]) => Float32Array.from(rows.flat());

describe("ModelStore with release versions", () => {
  let folders: Awaited<ReturnType<typeof releaseFolders>>;
  let store: ModelStore | undefined;
  let record: ProviderRecord;
  let events: ModelVersionEvent[];
  const base = versionRanker("base", 0);

  beforeEach(async () => {
    folders = await releaseFolders();
    await folders.writeDefault(base);
    record = newRecord();
    events = [];
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
    await folders.remove();
  });

  const open = async (options: Partial<ModelStoreOptions> = {}) => {
    store = new ModelStore({
      modelDir: folders.modelDir,
      releasesDir: folders.releasesDir,
      provider: recordingProvider(record),
      onVersionEvent: (event) => events.push(event),
      ...options,
    });
    await store.reload();
    return store;
  };
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error("expected the promise to reject");
      },
      (error: unknown) => error as ModelVersionError,
    );

  it("serves a named release with its own model, and the default's version with the default", async () => {
    const r1 = await folders.writeRelease(versionRanker("r1", 1));
    await open();
    const rows = fixtureRows(6);

    const named = await store!.acquireVersion("r1");
    expect(named.model.version).toBe("r1");
    const scores = Array.from(await named.model.session.run(pack(rows), rows.length));
    scores.forEach((score, i) => {
      expect(score).toBeCloseTo(scoreLinear(r1, rows[i]!), 5);
    });
    // The two versions disagree on these rows, so scoring with the wrong one would fail.
    expect(scores.some((score, i) => Math.abs(score - scoreLinear(base, rows[i]!)) > 1e-3)).toBe(true);
    named.release();

    const byName = await store!.acquireVersion("base");
    expect(byName.model).toBe(store!.current);
    byName.release();
    const unnamed = store!.acquire()!;
    expect(unnamed.model.version).toBe("base");
    unnamed.release();
    expect(record.created).toBe(2);
    expect(events).toEqual([{ kind: "loaded", version: "r1", loadMs: expect.any(Number), loaded: 2 }]);
  });

  it("loads a version once when many requests ask for it at the same time", async () => {
    await folders.writeRelease(versionRanker("r1", 1));
    await open();
    const leases = await Promise.all(Array.from({ length: 8 }, () => store!.acquireVersion("r1")));
    expect(new Set(leases.map((lease) => lease.model)).size).toBe(1);
    expect(record.created).toBe(2); // the default and r1, once
    expect(store!.models.find((m) => m.version === "r1")?.inFlight).toBe(8);
    for (const lease of leases) lease.release();
    expect(store!.models.find((m) => m.version === "r1")?.inFlight).toBe(0);
    // Loaded: later requests reuse it.
    (await store!.acquireVersion("r1")).release();
    expect(record.created).toBe(2);
  });

  it.each([[""], ["."], [".."], ["../default"], ["a/b"], ["a\\b"], ["with space"], ["x".repeat(129)], ["é"]])(
    "refuses %j as a version name",
    async (version) => {
      await open();
      const error = await failure(store!.acquireVersion(version));
      expect(error).toBeInstanceOf(ModelVersionError);
      expect(error.code).toBe("invalid_version");
      expect(record.created).toBe(1);
    },
  );

  it("accepts release ids as version names", () => {
    for (const version of ["als-20261206T140546Z-db667769", "v1.2.3", "a", "_x", "x".repeat(128)]) {
      expect(isValidModelVersion(version)).toBe(true);
    }
  });

  it("answers unavailable for a version without a release folder, and loads it once the folder exists", async () => {
    await open();
    const error = await failure(store!.acquireVersion("r9"));
    expect(error).toMatchObject({ code: "unavailable", version: "r9" });
    expect(error.message).toMatch(/model version "r9" cannot be loaded from .*r9: cannot read .*manifest\.json/);
    // A missing release is not remembered: it may be being copied.
    await folders.writeRelease(versionRanker("r9", 2));
    const lease = await store!.acquireVersion("r9");
    expect(lease.model.version).toBe("r9");
    lease.release();
  });

  it("answers unavailable for any version but the default's when there is no releases folder", async () => {
    await open({ releasesDir: undefined });
    const error = await failure(store!.acquireVersion("r1"));
    expect(error).toMatchObject({ code: "unavailable" });
    expect(error.message).toContain("no releases folder is configured (SIDECAR_RELEASES_DIR)");
    const lease = await store!.acquireVersion("base");
    expect(lease.model.version).toBe("base");
    lease.release();
  });

  it("refuses a release folder whose manifest names another version", async () => {
    await folders.writeRelease(versionRanker("r2", 2), { folder: "r1" });
    await open();
    const error = await failure(store!.acquireVersion("r1"));
    expect(error).toMatchObject({ code: "unavailable" });
    expect(error.message).toMatch(/is model version "r2", not "r1"/);
    expect(store!.models.map((m) => m.version)).toEqual(["base"]);
  });

  it("refuses a release that fails the default model's checks, and remembers the failure for a while", async () => {
    let now = 1_000_000;
    await folders.writeRelease(versionRanker("r1", 1));
    await writeFile(join(folders.releasesDir, "r1", "ranker-r1.onnx"), "not a model");
    await open({ now: () => now, failedLoadRetryMs: 5000 });
    const first = await failure(store!.acquireVersion("r1"));
    expect(first).toMatchObject({ code: "unavailable" });
    expect(first.message).toMatch(/cannot load the model/);
    expect(events.at(-1)).toMatchObject({ kind: "load_failed", version: "r1" });

    await folders.writeRelease(versionRanker("r1", 1)); // repaired
    expect(await failure(store!.acquireVersion("r1"))).toBe(first);
    now += 5000;
    const lease = await store!.acquireVersion("r1");
    expect(lease.model.version).toBe("r1");
    lease.release();
  });

  it("evicts the least recently used idle release beyond maxModels, never the default", async () => {
    for (const [i, version] of ["r1", "r2", "r3"].entries()) await folders.writeRelease(versionRanker(version, i + 1));
    await open({ maxModels: 3 });
    (await store!.acquireVersion("r1")).release(); // session 2
    (await store!.acquireVersion("r2")).release(); // session 3
    (await store!.acquireVersion("r1")).release(); // r1 is now more recent than r2
    expect(store!.models.map((m) => m.version)).toEqual(["base", "r1", "r2"]);

    (await store!.acquireVersion("r3")).release(); // session 4: r2 goes
    expect(store!.models.map((m) => m.version)).toEqual(["base", "r1", "r3"]);
    expect(events.filter((e) => e.kind === "evicted")).toEqual([{ kind: "evicted", version: "r2", loaded: 3 }]);
    await Promise.resolve();
    expect(record.released).toEqual([3]);

    // The default is never a candidate, however long unused.
    (await store!.acquireVersion("r2")).release();
    expect(store!.models.map((m) => m.version)).toEqual(["base", "r3", "r2"]);
    expect(store!.models[0]).toMatchObject({ version: "base", isDefault: true });
  });

  it("never evicts a version with a request in flight: exceeds the bound until one is idle", async () => {
    for (const [i, version] of ["r1", "r2", "r3"].entries()) await folders.writeRelease(versionRanker(version, i + 1));
    await open({ maxModels: 3 });
    const r1 = await store!.acquireVersion("r1");
    const r2 = await store!.acquireVersion("r2");
    const r3 = await store!.acquireVersion("r3");
    // Every release is busy: four versions are loaded, one over the bound.
    expect(store!.models.map((m) => m.version)).toEqual(["base", "r1", "r2", "r3"]);
    expect(events.filter((e) => e.kind === "evicted")).toEqual([]);

    // The request on r1 can still finish on it.
    const rows = fixtureRows(2);
    expect((await r1.model.session.run(pack(rows), 2)).length).toBe(2);
    r2.release(); // the first idle release is evicted, back within the bound
    expect(store!.models.map((m) => m.version)).toEqual(["base", "r1", "r3"]);
    r1.release();
    r3.release();
    expect(store!.models.map((m) => m.version)).toEqual(["base", "r1", "r3"]);
  });

  it("with maxModels 1, serves a release while it is used and unloads it after", async () => {
    await folders.writeRelease(versionRanker("r1", 1));
    await open({ maxModels: 1 });
    const lease = await store!.acquireVersion("r1");
    expect(store!.models.map((m) => m.version)).toEqual(["base", "r1"]);
    lease.release();
    expect(store!.models.map((m) => m.version)).toEqual(["base"]);
    await Promise.resolve();
    expect(record.released).toEqual([2]);
  });

  it("reports loaded versions with load time, requests in flight and last use", async () => {
    let now = Date.parse("2026-03-01T10:00:00.000Z");
    await folders.writeRelease(versionRanker("r1", 1));
    await open({ now: () => now });
    expect(store!.models).toEqual([{ version: "base", isDefault: true, loadedAt: expect.any(Date), inFlight: 0, lastUsedAt: undefined }]);
    now += 1000;
    const lease = await store!.acquireVersion("r1");
    expect(store!.models[1]).toEqual({
      version: "r1",
      isDefault: false,
      loadedAt: expect.any(Date),
      inFlight: 1,
      lastUsedAt: new Date("2026-03-01T10:00:01.000Z"),
    });
    now += 1000;
    lease.release();
    expect(store!.models[1]).toMatchObject({ inFlight: 0, lastUsedAt: new Date("2026-03-01T10:00:02.000Z") });
    expect(store!.maxModels).toBe(3);
  });

  it("unloads a loaded release when the default is reloaded to the same version", async () => {
    const r1 = versionRanker("r1", 1);
    await folders.writeRelease(r1);
    await open();
    (await store!.acquireVersion("r1")).release();
    await folders.writeDefault(r1);
    await store!.reload();
    expect(store!.models.map((m) => [m.version, m.isDefault])).toEqual([["r1", true]]);
    const lease = await store!.acquireVersion("r1");
    expect(lease.model).toBe(store!.current);
    lease.release();
  });

  it("releases every version's session on close and refuses named versions afterwards", async () => {
    await folders.writeRelease(versionRanker("r1", 1));
    await open();
    (await store!.acquireVersion("r1")).release();
    await store!.close();
    expect(record.released.sort()).toEqual([1, 2]);
    expect(await failure(store!.acquireVersion("r1"))).toMatchObject({ code: "unavailable" });
  });

  it("refuses maxModels below 1", () => {
    expect(() => new ModelStore({ modelDir: folders.modelDir, provider: recordingProvider(record), maxModels: 0 })).toThrow(RangeError);
  });
});

/**
 * `POST /v1/rank` naming a model version (`x-model-version`, or `model_version` in a JSON body):
 * scored by that version (loaded from the releases folder on first use, once), the default for
 * unnamed requests, 409 `model_version_unavailable` / 400 `invalid_request` for versions it cannot
 * serve, batches that never mix versions, eviction at SIDECAR_MAX_MODELS, `GET /v1/models`, and
 * the same through a real sidecar started from its configuration.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSidecarApp, type ModelsBody, type RankResponseBody, type SidecarAppDeps } from "../../../gpu-sidecar/app";
import { createRankBatcher, type RankBatcher } from "../../../gpu-sidecar/batching/rank-batcher";
import { BATCHING_DEFAULTS } from "../../../gpu-sidecar/batching/dynamic-batcher";
import { ModelStore, type ModelStoreOptions } from "../../../gpu-sidecar/model-store";
import { createSidecarMetrics } from "../../../gpu-sidecar/sidecar-metrics";
import { startSidecar } from "../../../gpu-sidecar/start-sidecar";
import { FEATURE_SPEC } from "../../../shared/features/feature-spec";
import { scoreLinear, type LinearRankerModel } from "../../../shared/ranking/linear-ranker";
import { fixtureRows } from "../../support/ranker-fixture";
import { CPU_STATUS, SIDECAR_TEST_TOKEN, withToken } from "../../support/sidecar-app-fixture";
import { manualClock, settle } from "./manual-clock";
import {
  newRecord,
  recordingProvider,
  releaseFolders,
  versionRanker,
  type ProviderRecord,
  type RecordingProviderOptions,
} from "./release-fixture";
import { decodeScores, encodeRows } from "../../support/float32-bytes";

const OCTET = "application/octet-stream";

/** A deferred promise, to hold loads or batches until the test lets them go. */
function gate() {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Waits (in real time, up to 5 s) until `condition()` holds: loads read files, so event-loop turns alone may not be enough. */
async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition() && waited < 5000; waited += 2) await new Promise((resolve) => setTimeout(resolve, 2));
  expect(condition()).toBe(true);
}

const expectScoredBy = (scores: number[], model: LinearRankerModel, rows: number[][], other: LinearRankerModel) => {
  expect(scores).toHaveLength(rows.length);
  scores.forEach((score, i) => {
    expect(score).toBeCloseTo(scoreLinear(model, rows[i]!), 5);
  });
  // The versions disagree on these rows, so a test cannot pass on the wrong model.
  expect(scores.some((score, i) => Math.abs(score - scoreLinear(other, rows[i]!)) > 1e-3)).toBe(true);
};

describe("sidecar app with model versions", () => {
  const base = versionRanker("base", 0);
  const r1 = versionRanker("r1", 1);
  const r2 = versionRanker("r2", 2);
  let folders: Awaited<ReturnType<typeof releaseFolders>>;
  let record: ProviderRecord;
  let store: ModelStore;
  let batcher: RankBatcher | undefined;

  beforeEach(async () => {
    folders = await releaseFolders();
    await folders.writeDefault(base);
    await folders.writeRelease(r1);
    await folders.writeRelease(r2);
    record = newRecord();
  });
  afterEach(async () => {
    await batcher?.drain();
    batcher = undefined;
    await store.close();
    await folders.remove();
  });

  const openStore = async (options: Partial<ModelStoreOptions> = {}, hooks: RecordingProviderOptions = {}) => {
    store = new ModelStore({
      modelDir: folders.modelDir,
      releasesDir: folders.releasesDir,
      provider: recordingProvider(record, hooks),
      ...options,
    });
    await store.reload();
    return store;
  };
  const appWith = (deps: Partial<SidecarAppDeps> = {}) => {
    batcher = deps.batcher ?? createRankBatcher({ config: { maxQueueDelayMs: 0 } });
    return createSidecarApp({ store, provider: CPU_STATUS, authToken: SIDECAR_TEST_TOKEN, ...deps, batcher });
  };
  const rankJson = (app: ReturnType<typeof appWith>, rows: unknown[], version?: string, extra: Record<string, unknown> = {}) =>
    app.request(
      "/v1/rank",
      withToken({
        method: "POST",
        headers: { "content-type": "application/json", ...(version !== undefined ? { "x-model-version": version } : {}) },
        body: JSON.stringify({ feature_spec_hash: FEATURE_SPEC.hash, rows, ...extra }),
      }),
    );
  const expectError = async (response: Response, status: number, code: string) => {
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    return body.error.message;
  };

  it("scores a request naming a release with that release, and unnamed requests with the default", async () => {
    await openStore();
    const app = appWith();
    const rows = fixtureRows(12);

    const named = await rankJson(app, rows, "r1");
    expect(named.status).toBe(200);
    expect(named.headers.get("x-model-version")).toBe("r1");
    const namedBody = (await named.json()) as RankResponseBody;
    expect(namedBody.model_version).toBe("r1");
    expectScoredBy(namedBody.scores, r1, rows, base);

    const unnamed = (await (await rankJson(app, rows)).json()) as RankResponseBody;
    expect(unnamed.model_version).toBe("base");
    expectScoredBy(unnamed.scores, base, rows, r1);

    const byDefaultName = (await (await rankJson(app, rows, "base")).json()) as RankResponseBody;
    expect(byDefaultName.model_version).toBe("base");
    expect(record.created).toBe(2); // the default and r1; naming the default loads nothing
  });

  it("takes the version from the JSON body's model_version too, and refuses a header that disagrees", async () => {
    await openStore();
    const app = appWith();
    const rows = fixtureRows(4);
    const fromBody = (await (await rankJson(app, rows, undefined, { model_version: "r2" })).json()) as RankResponseBody;
    expect(fromBody.model_version).toBe("r2");
    expectScoredBy(fromBody.scores, r2, rows, base);
    expect((await rankJson(app, rows, "r2", { model_version: "r2" })).status).toBe(200);
    const message = await expectError(await rankJson(app, rows, "r1", { model_version: "r2" }), 400, "invalid_request");
    expect(message).toContain("name different model versions");
    await expectError(await rankJson(app, rows, undefined, { model_version: 7 }), 400, "invalid_request");
  });

  it("scores a binary request naming a release, answering in binary with the version in x-model-version", async () => {
    await openStore();
    const app = appWith();
    const rows = fixtureRows(9);
    const response = await app.request(
      "/v1/rank",
      withToken({
        method: "POST",
        headers: { "content-type": OCTET, accept: OCTET, "x-feature-spec-hash": FEATURE_SPEC.hash, "x-model-version": "r2" },
        body: encodeRows(rows),
      }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("x-model-version")).toBe("r2");
    expectScoredBy(decodeScores(await response.arrayBuffer()), r2, rows, base);
  });

  it("loads a version once for concurrent first requests, and serves them all with it", async () => {
    const loading = gate();
    let holdLoads = false;
    let heldLoads = 0;
    await openStore(
      {},
      {
        beforeCreate: () => {
          if (!holdLoads) return undefined;
          heldLoads++;
          return loading.promise;
        },
      },
    );
    holdLoads = true;
    const app = appWith();
    const rows = Array.from({ length: 6 }, (_, i) => fixtureRows(3, 100 + i));
    const responses = rows.map((r) => rankJson(app, r, "r1"));
    // The load reads the release folder, then waits here for the gate.
    await until(() => heldLoads === 1);
    for (let turn = 0; turn < 20; turn++) await settle();
    // Every request is waiting on the one load.
    expect(heldLoads).toBe(1);
    expect(store.models.map((m) => m.version)).toEqual(["base"]);
    loading.open();
    const bodies = await Promise.all(responses.map(async (response) => (await response).json() as Promise<RankResponseBody>));
    bodies.forEach((body, i) => {
      expect(body.model_version).toBe("r1");
      expectScoredBy(body.scores, r1, rows[i]!, base);
    });
    expect(record.created).toBe(2);
  });

  it("answers 409 model_version_unavailable for a version it does not have, with no releases folder, or that fails to load", async () => {
    await folders.writeRelease(versionRanker("other", 3), { folder: "mislabelled" });
    await openStore();
    const app = appWith();
    const rows = fixtureRows(2);
    expect(await expectError(await rankJson(app, rows, "r9"), 409, "model_version_unavailable")).toMatch(
      /model version "r9" cannot be loaded/,
    );
    expect(await expectError(await rankJson(app, rows, "mislabelled"), 409, "model_version_unavailable")).toMatch(
      /is model version "other", not "mislabelled"/,
    );
    await store.close();

    await openStore({ releasesDir: undefined });
    const noReleases = appWith();
    expect(await expectError(await rankJson(noReleases, rows, "r1"), 409, "model_version_unavailable")).toContain("SIDECAR_RELEASES_DIR");
    // Binary requests get the same JSON error.
    const binary = await noReleases.request(
      "/v1/rank",
      withToken({
        method: "POST",
        headers: { "content-type": OCTET, accept: OCTET, "x-feature-spec-hash": FEATURE_SPEC.hash, "x-model-version": "r1" },
        body: encodeRows(rows),
      }),
    );
    await expectError(binary, 409, "model_version_unavailable");
  });

  it.each([[".."], ["../default"], ["a/b"], ["bad version"], ["x".repeat(129)], [""]])(
    "answers 400 invalid_request to the version %j",
    async (version) => {
      await openStore();
      const app = appWith();
      expect(await expectError(await rankJson(app, fixtureRows(1), version), 400, "invalid_request")).toMatch(/is not valid/);
      await expectError(await rankJson(app, fixtureRows(1), undefined, { model_version: version }), 400, "invalid_request");
      expect(record.created).toBe(1);
    },
  );

  it("never scores two versions in one batch, and batches each version's queued requests together", async () => {
    const clock = manualClock();
    let hold: ReturnType<typeof gate> | undefined;
    await openStore({}, { beforeRun: () => hold?.promise });
    (await store.acquireVersion("r1")).release(); // loaded: session 2
    const app = appWith({
      batcher: createRankBatcher({ config: { maxBatchRows: 100, maxQueueDelayMs: 10, maxQueueRows: 500 }, clock }),
      now: clock.now,
    });
    const queued = (requests: number) => () => until(() => batcher!.stats.queuedRequests === requests);

    // A batch on the default holds the executor while requests of both versions queue, interleaved.
    hold = gate();
    const busy = rankJson(app, fixtureRows(1, 1));
    await queued(1)();
    await clock.advance(10);
    const sent = [
      { version: undefined, model: base, rows: fixtureRows(3, 2) },
      { version: "r1", model: r1, rows: fixtureRows(4, 3) },
      { version: undefined, model: base, rows: fixtureRows(5, 4) },
      { version: "r1", model: r1, rows: fixtureRows(6, 5) },
    ];
    const responses = sent.map(({ version, rows }) => rankJson(app, rows, version));
    await queued(4)();
    const running = hold;
    hold = undefined;
    running.open();
    await (await busy).json();
    await clock.advance(10);
    const bodies = await Promise.all(responses.map(async (response) => (await response).json() as Promise<RankResponseBody>));

    expect(record.runs).toEqual([
      { session: 1, rows: 1 },
      { session: 1, rows: 8 },
      { session: 2, rows: 10 },
    ]);
    bodies.forEach((body, i) => {
      const { model, rows } = sent[i]!;
      expect(body.model_version).toBe(model.modelVersion);
      expectScoredBy(body.scores, model, rows, model === base ? r1 : base);
      expect(body.batch).toEqual(model === base ? { rows: 8, requests: 2 } : { rows: 10, requests: 2 });
    });
  });

  it("evicts the least recently used release at max_models, but not one with a request in flight", async () => {
    const clock = manualClock();
    let hold: ReturnType<typeof gate> | undefined = gate();
    await openStore({ maxModels: 2 }, { beforeRun: () => hold?.promise });
    const app = appWith({
      batcher: createRankBatcher({ config: { maxBatchRows: 100, maxQueueDelayMs: 10, maxQueueRows: 500 }, clock }),
      now: clock.now,
    });
    const loaded = async () => ((await (await app.request("/v1/models", withToken())).json()) as ModelsBody).loaded;

    // A request on r1 (its batch held while running) and one on r2 (queued behind it): neither
    // release can go, so three versions are loaded, one over the bound.
    const onR1 = rankJson(app, fixtureRows(2), "r1");
    await until(() => batcher!.stats.queuedRequests === 1);
    const onR2 = rankJson(app, fixtureRows(2), "r2");
    await until(() => batcher!.stats.runningBatches === 1 && batcher!.stats.queuedRequests === 1);
    expect((await loaded()).map(({ version, in_flight }) => [version, in_flight])).toEqual([
      ["base", 0],
      ["r1", 1],
      ["r2", 1],
    ]);
    const running = hold;
    hold = undefined;
    running.open();
    expect((await (await onR1).json()) as RankResponseBody).toMatchObject({ model_version: "r1" });
    // r1 is idle while r2 is still busy: r1 goes, back within the bound. The default stays.
    expect((await loaded()).map(({ version }) => version)).toEqual(["base", "r2"]);
    await clock.advance(10);
    expect((await (await onR2).json()) as RankResponseBody).toMatchObject({ model_version: "r2" });
    expect((await loaded()).map(({ version }) => version)).toEqual(["base", "r2"]);
    expect(record.released).toEqual([2]);
  });

  it("lists loaded versions at GET /v1/models (token required) and in /healthz", async () => {
    await openStore();
    const app = appWith();
    expect((await app.request("/v1/models")).status).toBe(401);
    expect((await app.request("/v1/models", { headers: { authorization: "Bearer wrong-token-0123456789" } })).status).toBe(401);

    const before = (await (await app.request("/v1/models", withToken())).json()) as ModelsBody;
    expect(before).toEqual({
      default: "base",
      loaded: [{ version: "base", loaded_at: expect.any(String), in_flight: 0, last_used_at: null }],
      max_models: 3,
    });
    expect((await rankJson(app, fixtureRows(2), "r1")).status).toBe(200);
    const after = (await (await app.request("/v1/models", withToken())).json()) as ModelsBody;
    expect(after.default).toBe("base");
    expect(after.loaded.map((entry) => entry.version)).toEqual(["base", "r1"]);
    const [, release] = after.loaded;
    expect(release).toEqual({ version: "r1", loaded_at: expect.any(String), in_flight: 0, last_used_at: expect.any(String) });
    expect(new Date(release!.loaded_at).toISOString()).toBe(release!.loaded_at);
    expect(Date.parse(release!.last_used_at!)).toBeGreaterThanOrEqual(Date.parse(release!.loaded_at));

    const health = await (await app.request("/healthz")).json();
    expect(health).toMatchObject({ status: "ok", model_version: "base", loaded_versions: ["base", "r1"] });
  });

  it("counts rows by model version in /metrics", async () => {
    await openStore();
    const metrics = createSidecarMetrics();
    const app = appWith({ metrics, batcher: createRankBatcher({ config: { maxQueueDelayMs: 0 }, metrics }) });
    await rankJson(app, fixtureRows(3), "r1");
    await rankJson(app, fixtureRows(2));
    const lines = (await (await app.request("/metrics", withToken())).text()).split("\n");
    for (const line of [
      "sidecar_rows_scored_total 5",
      'sidecar_model_rows_scored_total{model_version="r1"} 3',
      'sidecar_model_rows_scored_total{model_version="base"} 2',
      "sidecar_models_loaded 2",
    ]) {
      expect(lines).toContain(line);
    }
  });
});

describe("sidecar started with SIDECAR_RELEASES_DIR", () => {
  it("serves a named release over HTTP and counts the load in /metrics", async () => {
    const folders = await releaseFolders();
    const base = await folders.writeDefault(versionRanker("base", 0));
    const r1 = await folders.writeRelease(versionRanker("r1", 1));
    const sidecar = await startSidecar({
      config: {
        host: "127.0.0.1",
        port: 0,
        modelDir: folders.modelDir,
        releasesDir: folders.releasesDir,
        maxModels: 2,
        provider: "cpu",
        providerFallback: "none",
        precision: "auto",
        maxRows: 100,
        authToken: SIDECAR_TEST_TOKEN,
        inferenceThreads: 0,
        batching: { ...BATCHING_DEFAULTS },
      },
      processMetrics: false,
    });
    try {
      const rows = fixtureRows(5);
      const response = await fetch(`${sidecar.url}/v1/rank`, {
        ...withToken({
          method: "POST",
          headers: { "content-type": "application/json", "x-model-version": "r1" },
          body: JSON.stringify({ feature_spec_hash: FEATURE_SPEC.hash, rows }),
        }),
        signal: AbortSignal.timeout(10_000),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as RankResponseBody;
      expect(body.model_version).toBe("r1");
      expectScoredBy(body.scores, r1, rows, base);

      const unknown = await fetch(`${sidecar.url}/v1/rank`, {
        ...withToken({
          method: "POST",
          headers: { "content-type": "application/json", "x-model-version": "r9" },
          body: JSON.stringify({ feature_spec_hash: FEATURE_SPEC.hash, rows }),
        }),
        signal: AbortSignal.timeout(10_000),
      });
      expect(unknown.status).toBe(409);

      const models = (await (await fetch(`${sidecar.url}/v1/models`, withToken())).json()) as ModelsBody;
      expect(models).toMatchObject({ default: "base", max_models: 2 });
      const metrics = (await (await fetch(`${sidecar.url}/metrics`, withToken())).text()).split("\n");
      expect(metrics).toContain('sidecar_model_version_loads_total{result="loaded"} 1');
      expect(metrics).toContain('sidecar_model_version_loads_total{result="failed"} 1');
    } finally {
      await sidecar.close();
      await folders.remove();
    }
  });
});

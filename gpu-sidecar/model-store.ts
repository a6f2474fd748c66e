/**
 * Holds the ranker models the sidecar serves. A model version is a `manifest.json` plus the ONNX
 * file it names; it is checked (feature-spec hash present, input width equal to
 * `FEATURE_SPEC.size`) before it can serve. The default model comes from the model folder:
 * `reload()` loads the folder's current version next to the live one and swaps it in with a single
 * assignment: requests that started on the old version finish on it (they hold a lease), and its
 * session is released after the last one ends. Requests may also name a version: a release folder
 * `<releasesDir>/<version>/` of the same shape, loaded on first use and kept, least recently used
 * evicted first, up to `maxModels` versions at once (see {@link ModelStore}).
 */
import { readFile } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";
import { z } from "zod";
import type { ModelManifest } from "../shared/artifacts/model-manifest";
import { FEATURE_SPEC } from "../shared/features/feature-spec";
import { errorMessage } from "../shared/errors/error-message";
import { ModelLoadError } from "./model-load-error";
import { isValidModelVersion, ModelVersionError } from "./model-version";
import type { ExecutionProvider, RankerSession } from "./providers/execution-provider";
import { chooseRankerFile, type RankerFileChoice, type RankerPrecision } from "./ranker-precision";

/** File name of the manifest inside the model folder. */
export const MANIFEST_FILE = "manifest.json";

/** The manifest fields the sidecar relies on. */
export type ServedManifest = Pick<ModelManifest, "modelVersion" | "featureSpecHash"> & {
  ranker: Pick<ModelManifest["ranker"], "onnx" | "onnxFp16">;
};

const manifestSchema = z.object({
  modelVersion: z.string().min(1),
  featureSpecHash: z.string().min(1, "featureSpecHash is empty"),
  ranker: z.object({ onnx: z.string().min(1), onnxFp16: z.string().min(1).optional() }),
}) satisfies z.ZodType<ServedManifest>;

/** A model version ready to serve. */
export interface LoadedModel {
  version: string;
  /** Feature-spec hash the model was trained with; requests must carry the same one. */
  featureSpecHash: string;
  /** Features per row. */
  featureCount: number;
  /** Absolute path of the ONNX file. */
  modelPath: string;
  /** Precision of the loaded file's weights (see `ranker-precision.ts`). */
  precision: RankerFileChoice["precision"];
  loadedAt: Date;
  session: RankerSession;
}

/** A model held for the duration of one request; call `release()` exactly once when done. */
export interface ModelLease {
  readonly model: LoadedModel;
  release(): void;
}

/** What `reload()` did. */
export interface ReloadResult {
  model: LoadedModel;
  /** Version served before, or `undefined` on the first load. */
  previousVersion: string | undefined;
}

/** One loaded model version, as `GET /v1/models` reports it. */
export interface LoadedVersionInfo {
  version: string;
  /** The default model (`SIDECAR_MODEL_DIR`), served when a request names no version; never evicted. */
  isDefault: boolean;
  loadedAt: Date;
  /** Requests holding it now (queued or running). */
  inFlight: number;
  /** When a request last took or gave it back; `undefined` if none has yet. */
  lastUsedAt: Date | undefined;
}

/** What happened to a release version (for logs and metrics). */
export type ModelVersionEvent =
  /** Loaded from the releases folder; `loaded` counts every loaded version, the default included. */
  | { kind: "loaded"; version: string; loadMs: number; loaded: number }
  | { kind: "load_failed"; version: string; message: string }
  /** Unloaded to stay within `maxModels` (its session is released once its last request ends). */
  | { kind: "evicted"; version: string; loaded: number };

/** Defaults of the optional {@link ModelStoreOptions}. */
export const MODEL_STORE_DEFAULTS = {
  /** Versions loaded at once, the default model included (`SIDECAR_MAX_MODELS`). */
  maxModels: 3,
  /** How long a release whose model failed to load is answered from that failure before it is tried again. */
  failedLoadRetryMs: 5000,
} as const;

/** Options of {@link ModelStore}. */
export interface ModelStoreOptions {
  /** Folder containing `manifest.json`: the default model, loaded by `reload()`. */
  modelDir: string;
  /** Provider that creates the sessions. */
  provider: ExecutionProvider;
  /** Required model input width; defaults to `FEATURE_SPEC.size`. */
  featureCount?: number;
  /**
   * Which of a manifest's ranker files to load (`SIDECAR_PRECISION`, default `auto`: the float16
   * file on a GPU provider when the manifest lists one, else the float32 file).
   */
  precision?: RankerPrecision;
  /** Called when releasing a retired session fails (the failure is not otherwise visible). */
  onReleaseError?: (error: unknown, version: string) => void;
  /**
   * Folder of release folders, each named by its model version and shaped like `modelDir`
   * (`SIDECAR_RELEASES_DIR`). Without it, only the default model's version can be named.
   */
  releasesDir?: string;
  /** Most versions loaded at once, the default included (`SIDECAR_MAX_MODELS`, default 3, at least 1). */
  maxModels?: number;
  /**
   * A release that failed to load (other than for a missing manifest) answers with that failure
   * for this long before the next request tries again (default 5000 ms), so a broken release is not
   * reloaded by every request naming it.
   */
  failedLoadRetryMs?: number;
  /** Told when a release version is loaded, fails to load or is evicted. */
  onVersionEvent?: (event: ModelVersionEvent) => void;
  /** Wall clock in ms for `lastUsedAt` and the failed-load delay (default `Date.now`). */
  now?: () => number;
}

interface Slot {
  model: LoadedModel;
  leases: number;
  retired: boolean;
  releasing: boolean;
  /** Wall-clock ms of the last lease taken or given back. */
  lastUsedAt: number | undefined;
  /** Order of the last use (a counter: the least recently used slot has the smallest). */
  useSeq: number;
  /** Settles once the session has been released (successfully or not). */
  released: Promise<void>;
  markReleased: () => void;
}

function newSlot(model: LoadedModel): Slot {
  let markReleased = () => {};
  const released = new Promise<void>((resolveReleased) => {
    markReleased = resolveReleased;
  });
  return { model, leases: 0, retired: false, releasing: false, lastUsedAt: undefined, useSeq: 0, released, markReleased };
}

/** A release being loaded; every request waiting for it is counted, so each gets a lease on the loaded slot. */
interface PendingLoad {
  promise: Promise<Slot>;
  waiters: number;
}

/**
 * The default model (the live version of `modelDir`), the release versions loaded on demand from
 * `releasesDir`, and any retired versions still finishing requests.
 *
 * Release versions are loaded on first use (once: concurrent requests share the load), kept while
 * used, and evicted least-recently-used-first when more than `maxModels` versions are loaded. The
 * default and versions with a request in flight are never evicted; when every other version is
 * busy the store holds one more than `maxModels` until one is idle again.
 *
 * @example
 * const store = new ModelStore({ modelDir: "artifacts/latest", releasesDir: "artifacts/releases", provider: createExecutionProvider("cpu") });
 * await store.reload();
 * const lease = store.acquire(); // the default model
 * const named = await store.acquireVersion("als-20261206T140546Z-db667769"); // throws ModelVersionError when unavailable
 * try { await named.model.session.run(rows, rowCount); } finally { named.release(); lease?.release(); }
 */
export class ModelStore {
  readonly #options: Pick<ModelStoreOptions, "modelDir" | "provider" | "releasesDir" | "onReleaseError" | "onVersionEvent"> & {
    featureCount: number;
    precision: RankerPrecision;
    maxModels: number;
    failedLoadRetryMs: number;
    now: () => number;
  };
  #live: Slot | undefined;
  /** Release versions loaded from `releasesDir` (never the live slot). */
  #releases = new Map<string, Slot>();
  #loading = new Map<string, PendingLoad>();
  /** Releases that failed to load, answered from the failure until `until`. */
  #failed = new Map<string, { error: ModelVersionError; until: number }>();
  #retiring = new Set<Slot>();
  #reloading: Promise<unknown> = Promise.resolve();
  #closed = false;
  #useSeq = 0;

  constructor(options: ModelStoreOptions) {
    const maxModels = options.maxModels ?? MODEL_STORE_DEFAULTS.maxModels;
    if (!Number.isInteger(maxModels) || maxModels < 1) throw new RangeError(`maxModels must be an integer of at least 1, got ${maxModels}`);
    this.#options = {
      ...options,
      featureCount: options.featureCount ?? FEATURE_SPEC.size,
      precision: options.precision ?? "auto",
      failedLoadRetryMs: options.failedLoadRetryMs ?? MODEL_STORE_DEFAULTS.failedLoadRetryMs,
      now: options.now ?? Date.now,
      maxModels,
    };
  }

  /** The default model: what requests naming no version get, or `undefined` before the first successful load. */
  get current(): LoadedModel | undefined {
    return this.#live?.model;
  }

  /** Most versions loaded at once, the default included. */
  get maxModels(): number {
    return this.#options.maxModels;
  }

  /** Every loaded version, the default first, then the releases in load order. */
  get models(): LoadedVersionInfo[] {
    const live = this.#live;
    const slots = [...(live ? [live] : []), ...this.#releases.values()];
    return slots.map((slot) => ({
      version: slot.model.version,
      isDefault: slot === live,
      loadedAt: slot.model.loadedAt,
      inFlight: slot.leases,
      lastUsedAt: slot.lastUsedAt === undefined ? undefined : new Date(slot.lastUsedAt),
    }));
  }

  /** Holds the default model for one request; `undefined` when no model is loaded. */
  acquire(): ModelLease | undefined {
    const slot = this.#live;
    return slot ? this.#lease(slot) : undefined;
  }

  /**
   * Holds model version `version` for one request: the default model when it is that version, a
   * loaded release, or the release folder `<releasesDir>/<version>/` loaded now (checked like the
   * default model, and its manifest must name `version`). Rejects with a {@link ModelVersionError}:
   * `invalid_version` for a name that is not a model version, `unavailable` when there is no such
   * release, no releases folder, or its model fails to load.
   */
  async acquireVersion(version: string): Promise<ModelLease> {
    if (!isValidModelVersion(version)) {
      throw new ModelVersionError(
        "invalid_version",
        version,
        `model version "${version.slice(0, 140)}" is not valid: 1 to 128 letters, digits, ".", "_" or "-" (not "." or "..")`,
      );
    }
    if (this.#closed) throw new ModelVersionError("unavailable", version, "the model store is closed");
    const live = this.#live;
    if (live?.model.version === version) return this.#lease(live);
    const kept = this.#releases.get(version);
    if (kept) return this.#lease(kept);
    const { releasesDir } = this.#options;
    if (releasesDir === undefined) {
      throw new ModelVersionError(
        "unavailable",
        version,
        `model version "${version}" is not loaded (the default is ${live ? `"${live.model.version}"` : "not loaded"}) and no releases folder is configured (SIDECAR_RELEASES_DIR)`,
      );
    }
    const failed = this.#failed.get(version);
    if (failed) {
      if (this.#options.now() < failed.until) throw failed.error;
      this.#failed.delete(version);
    }
    let pending = this.#loading.get(version);
    if (!pending) {
      const waiting = { waiters: 0 };
      // #loadRelease reads `waiters` only after its first await, once every waiter so far has counted itself.
      pending = Object.assign(waiting, { promise: this.#loadRelease(releasesDir, version, waiting) });
      this.#loading.set(version, pending);
    }
    pending.waiters++;
    const slot = await pending.promise;
    // The slot was loaded holding one lease per waiter, so it could not be evicted in between.
    return this.#lease(slot, { counted: true });
  }

  /**
   * Loads the folder's current version and makes it the default. Calls run one at a time. On failure
   * the previous version keeps serving and the {@link ModelLoadError} (or provider error) is thrown.
   */
  reload(): Promise<ReloadResult> {
    const next = this.#reloading.then(() => this.#swapIn());
    this.#reloading = next.catch(() => undefined);
    return next;
  }

  /** Stops serving: no new leases; sessions are released once their requests finish. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#reloading;
    await Promise.allSettled([...this.#loading.values()].map((pending) => pending.promise));
    const live = this.#live;
    this.#live = undefined;
    if (live) this.#retire(live);
    for (const slot of this.#releases.values()) this.#retire(slot);
    this.#releases.clear();
    await Promise.all([...this.#retiring].map((slot) => slot.released));
  }

  #lease(slot: Slot, { counted } = { counted: false }): ModelLease {
    if (!counted) slot.leases++;
    this.#touch(slot);
    let released = false;
    return {
      model: slot.model,
      release: () => {
        if (released) return;
        released = true;
        slot.leases--;
        this.#touch(slot);
        if (slot.retired) this.#releaseIfIdle(slot);
        else if (slot.leases === 0 && slot !== this.#live) this.#trim();
      },
    };
  }

  #touch(slot: Slot): void {
    slot.lastUsedAt = this.#options.now();
    slot.useSeq = ++this.#useSeq;
  }

  async #swapIn(): Promise<ReloadResult> {
    if (this.#closed) throw new Error("the model store is closed");
    const model = await this.#load(this.#options.modelDir);
    const previous = this.#live;
    this.#live = newSlot(model);
    if (previous) this.#retire(previous);
    // A release of the new default's version is now never chosen: unload it (after its requests).
    const duplicate = this.#releases.get(model.version);
    if (duplicate) {
      this.#releases.delete(model.version);
      this.#retire(duplicate);
    }
    return { model, previousVersion: previous?.model.version };
  }

  async #loadRelease(releasesDir: string, version: string, pending: { waiters: number }): Promise<Slot> {
    const folder = join(releasesDir, version);
    const startedAt = performance.now();
    try {
      const model = await this.#load(folder, version);
      if (this.#closed) {
        await model.session.release().catch(() => undefined);
        throw new ModelVersionError("unavailable", version, "the model store is closed");
      }
      const slot = newSlot(model);
      slot.leases = pending.waiters;
      this.#touch(slot);
      this.#releases.set(version, slot);
      this.#options.onVersionEvent?.({ kind: "loaded", version, loadMs: performance.now() - startedAt, loaded: this.#loadedCount() });
      this.#trim();
      return slot;
    } catch (error) {
      if (error instanceof ModelVersionError) throw error;
      const failure = new ModelVersionError(
        "unavailable",
        version,
        `model version "${version}" cannot be loaded from ${folder}: ${errorMessage(error)}`,
        { cause: error },
      );
      // A missing release is cheap to look for again (it may be being copied); a broken one is not.
      if (!(error instanceof ModelLoadError && error.code === "manifest_missing")) {
        this.#failed.set(version, { error: failure, until: this.#options.now() + this.#options.failedLoadRetryMs });
      }
      this.#options.onVersionEvent?.({ kind: "load_failed", version, message: failure.message });
      throw failure;
    } finally {
      if (this.#loading.get(version) === pending) this.#loading.delete(version);
    }
  }

  #loadedCount(): number {
    return (this.#live ? 1 : 0) + this.#releases.size;
  }

  /** Evicts idle release versions, least recently used first, until at most `maxModels` are loaded. */
  #trim(): void {
    while (this.#loadedCount() > this.#options.maxModels) {
      let victim: Slot | undefined;
      for (const slot of this.#releases.values()) {
        if (slot.leases === 0 && (!victim || slot.useSeq < victim.useSeq)) victim = slot;
      }
      if (!victim) return; // every release is busy: stay above the bound until one is idle
      this.#releases.delete(victim.model.version);
      this.#retire(victim);
      this.#options.onVersionEvent?.({ kind: "evicted", version: victim.model.version, loaded: this.#loadedCount() });
    }
  }

  async #load(folder: string, expectedVersion?: string): Promise<LoadedModel> {
    const { provider, featureCount, precision } = this.#options;
    const manifestPath = resolve(folder, MANIFEST_FILE);
    const manifest = parseManifest(await readText(manifestPath), manifestPath);
    if (expectedVersion !== undefined && manifest.modelVersion !== expectedVersion) {
      throw new ModelLoadError(
        "version_mismatch",
        `${manifestPath} is model version "${manifest.modelVersion}", not "${expectedVersion}" (a release folder is named by its version)`,
      );
    }
    const chosen = chooseRankerFile(manifest.ranker, precision, provider.describe().device);
    const modelPath = resolveInside(folder, chosen.file, manifestPath);
    const bytes = await readBytes(modelPath);
    const session = await provider.createSession(bytes);
    const width = session.shape.inputWidth;
    if (width !== featureCount) {
      await session.release();
      throw new ModelLoadError(
        "feature_width_mismatch",
        `${modelPath} takes ${width ?? "an unspecified number of"} features per row, but the feature spec has ${featureCount}`,
      );
    }
    return {
      version: manifest.modelVersion,
      featureSpecHash: manifest.featureSpecHash,
      featureCount,
      modelPath,
      precision: chosen.precision,
      loadedAt: new Date(),
      session,
    };
  }

  #retire(slot: Slot): void {
    slot.retired = true;
    this.#retiring.add(slot);
    this.#releaseIfIdle(slot);
  }

  #releaseIfIdle(slot: Slot): void {
    if (!slot.retired || slot.leases > 0 || slot.releasing) return;
    slot.releasing = true;
    slot.model.session
      .release()
      .catch((error: unknown) => this.#options.onReleaseError?.(error, slot.model.version))
      .finally(() => {
        this.#retiring.delete(slot);
        slot.markReleased();
      });
  }
}

function parseManifest(text: string, manifestPath: string): ServedManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelLoadError("manifest_invalid", `${manifestPath} is not valid JSON: ${errorMessage(error)}`, { cause: error });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
    throw new ModelLoadError("manifest_invalid", `${manifestPath} is not a model manifest: ${problems.join("; ")}`);
  }
  return parsed.data;
}

function resolveInside(folder: string, file: string, manifestPath: string): string {
  const path = resolve(folder, file);
  const fromFolder = relative(resolve(folder), path);
  if (fromFolder === "" || fromFolder.startsWith("..") || isAbsolute(fromFolder)) {
    throw new ModelLoadError("manifest_invalid", `${manifestPath}: ranker file "${file}" does not name a file inside the model folder`);
  }
  return path;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new ModelLoadError("manifest_missing", `cannot read ${path}: ${errorMessage(error)}`, { cause: error });
  }
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw new ModelLoadError("model_file_missing", `cannot read the ranker model ${path}: ${errorMessage(error)}`, { cause: error });
  }
}

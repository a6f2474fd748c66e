/**
 * Holds the ranker model the sidecar serves. A model version is the `manifest.json` in the model
 * folder plus the ONNX file it names; it is checked (feature-spec hash present, input width equal
 * to `FEATURE_SPEC.size`) before it can serve. `reload()` loads the folder's current version next
 * to the live one and swaps it in with a single assignment: requests that started on the old
 * version finish on it (they hold a lease), and its session is released after the last one ends.
 */
import { readFile } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import { z } from "zod";
import type { ModelManifest } from "../shared/artifacts/model-manifest";
import { FEATURE_SPEC } from "../shared/features/feature-spec";
import { errorMessage } from "../shared/errors/error-message";
import { ModelLoadError } from "./model-load-error";
import type { ExecutionProvider, RankerSession } from "./providers/execution-provider";

/** File name of the manifest inside the model folder. */
export const MANIFEST_FILE = "manifest.json";

/** The manifest fields the sidecar relies on. */
export type ServedManifest = Pick<ModelManifest, "modelVersion" | "featureSpecHash"> & { ranker: Pick<ModelManifest["ranker"], "onnx"> };

const manifestSchema = z.object({
  modelVersion: z.string().min(1),
  featureSpecHash: z.string().min(1, "featureSpecHash is empty"),
  ranker: z.object({ onnx: z.string().min(1) }),
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

/** Options of {@link ModelStore}. */
export interface ModelStoreOptions {
  /** Folder containing `manifest.json`. */
  modelDir: string;
  /** Provider that creates the sessions. */
  provider: ExecutionProvider;
  /** Required model input width; defaults to `FEATURE_SPEC.size`. */
  featureCount?: number;
  /** Called when releasing a retired session fails (the failure is not otherwise visible). */
  onReleaseError?: (error: unknown, version: string) => void;
}

interface Slot {
  model: LoadedModel;
  leases: number;
  retired: boolean;
  releasing: boolean;
  /** Settles once the session has been released (successfully or not). */
  released: Promise<void>;
  markReleased: () => void;
}

function newSlot(model: LoadedModel): Slot {
  let markReleased = () => {};
  const released = new Promise<void>((resolveReleased) => {
    markReleased = resolveReleased;
  });
  return { model, leases: 0, retired: false, releasing: false, released, markReleased };
}

/**
 * The live model plus any retired versions still finishing requests.
 *
 * @example
 * const store = new ModelStore({ modelDir: "artifacts/latest", provider: createExecutionProvider("cpu") });
 * await store.reload();
 * const lease = store.acquire();
 * try { await lease?.model.session.run(rows, rowCount); } finally { lease?.release(); }
 */
export class ModelStore {
  readonly #options: Required<Omit<ModelStoreOptions, "onReleaseError">> & Pick<ModelStoreOptions, "onReleaseError">;
  #live: Slot | undefined;
  #retiring = new Set<Slot>();
  #reloading: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(options: ModelStoreOptions) {
    this.#options = { featureCount: FEATURE_SPEC.size, ...options };
  }

  /** The model new requests get, or `undefined` before the first successful load. */
  get current(): LoadedModel | undefined {
    return this.#live?.model;
  }

  /** Holds the live model for one request; `undefined` when no model is loaded. */
  acquire(): ModelLease | undefined {
    const slot = this.#live;
    if (!slot) return undefined;
    slot.leases++;
    let released = false;
    return {
      model: slot.model,
      release: () => {
        if (released) return;
        released = true;
        slot.leases--;
        this.#releaseIfIdle(slot);
      },
    };
  }

  /**
   * Loads the folder's current version and makes it live. Calls run one at a time. On failure
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
    const live = this.#live;
    this.#live = undefined;
    if (live) this.#retire(live);
    await Promise.all([...this.#retiring].map((slot) => slot.released));
  }

  async #swapIn(): Promise<ReloadResult> {
    if (this.#closed) throw new Error("the model store is closed");
    const model = await this.#load();
    const previous = this.#live;
    this.#live = newSlot(model);
    if (previous) this.#retire(previous);
    return { model, previousVersion: previous?.model.version };
  }

  async #load(): Promise<LoadedModel> {
    const { modelDir, provider, featureCount } = this.#options;
    const manifestPath = resolve(modelDir, MANIFEST_FILE);
    const manifest = parseManifest(await readText(manifestPath), manifestPath);
    const modelPath = resolveInside(modelDir, manifest.ranker.onnx, manifestPath);
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
    throw new ModelLoadError("manifest_invalid", `${manifestPath}: ranker.onnx "${file}" does not name a file inside the model folder`);
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

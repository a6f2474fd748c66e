/**
 * Start-up of the ranking side: creates the configured execution provider and loads the first
 * model with it. When the provider is unavailable the sidecar either refuses to start (the
 * {@link ProviderUnavailableError} propagates) or, with `providerFallback: "cpu"`, loads the
 * model on the CPU provider and records why in the returned {@link ProviderStatus}. Either way
 * the decision is made here, before any traffic, never while serving.
 */
import type { ProviderFallback } from "./config";
import type { RankerPrecision } from "./ranker-precision";
import { ModelStore, type ModelStoreOptions } from "./model-store";
import { createExecutionProvider } from "./providers/create-execution-provider";
import { createThreadedProvider, type InferenceThreadEvent } from "./threads/threaded-provider";
import {
  ProviderUnavailableError,
  type ExecutionProvider,
  type ExecutionProviderName,
  type ProviderDescription,
} from "./providers/execution-provider";

/** Which provider serves, and whether it is the one that was asked for. */
export interface ProviderStatus {
  requested: ExecutionProviderName;
  active: ExecutionProviderName;
  description: ProviderDescription;
  /** Set when the requested provider was unavailable and the sidecar fell back to `active`. */
  fallback?: { from: ExecutionProviderName; reason: string };
}

/** Options of {@link openRanker}. */
export interface OpenRankerOptions {
  modelDir: string;
  provider: ExecutionProviderName;
  providerFallback: ProviderFallback;
  /** Which ranker file to load (passed to the {@link ModelStore}; default `auto`). After a fallback to the CPU, `auto` loads the float32 file. */
  precision?: RankerPrecision;
  /**
   * Provider factory; defaults to {@link createExecutionProvider}, or to {@link createThreadedProvider}
   * when `inferenceThreads` > 0 (tests inject fakes; an injected factory is used as is).
   */
  createProvider?: (name: ExecutionProviderName) => ExecutionProvider;
  /** Run inference in this many worker threads (0 or unset: inline on the calling thread). */
  inferenceThreads?: number;
  /** Told when an inference thread dies or is replaced (for logging). */
  onThreadEvent?: (event: InferenceThreadEvent) => void;
  /** Told about a fallback before the CPU model loads (for logging). */
  onFallback?: (error: ProviderUnavailableError) => void;
  /** Passed to the {@link ModelStore}. */
  onReleaseError?: ModelStoreOptions["onReleaseError"];
  /** Release folders requests may name (passed to the {@link ModelStore}). */
  releasesDir?: string | undefined;
  /** Most model versions loaded at once (passed to the {@link ModelStore}). */
  maxModels?: number;
  /** Told when a release version loads, fails to load or is evicted (passed to the {@link ModelStore}). */
  onVersionEvent?: ModelStoreOptions["onVersionEvent"];
}

/** A loaded model store and the provider it runs on. */
export interface OpenRanker {
  store: ModelStore;
  provider: ProviderStatus;
}

/**
 * Creates the provider, loads the first model and applies the fallback policy.
 * Throws {@link ProviderUnavailableError} (no fallback) or a `ModelLoadError`.
 *
 * @example
 * const { store, provider } = await openRanker({ modelDir: "artifacts/latest", provider: "cuda", providerFallback: "cpu" });
 * provider.fallback; // { from: "cuda", reason: "the CUDA execution provider binaries are not installed (...)" }
 */
export async function openRanker(options: OpenRankerOptions): Promise<OpenRanker> {
  const { modelDir, onReleaseError, inferenceThreads = 0, onThreadEvent, releasesDir, maxModels, onVersionEvent, precision } = options;
  const createProvider =
    options.createProvider ??
    (inferenceThreads > 0
      ? (name: ExecutionProviderName) =>
          createThreadedProvider(name, { threads: inferenceThreads, ...(onThreadEvent ? { onThreadEvent } : {}) })
      : createExecutionProvider);
  const load = async (provider: ExecutionProvider) => {
    const store = new ModelStore({
      modelDir,
      provider,
      onReleaseError,
      ...(releasesDir !== undefined ? { releasesDir } : {}),
      ...(maxModels !== undefined ? { maxModels } : {}),
      ...(precision !== undefined ? { precision } : {}),
      ...(onVersionEvent ? { onVersionEvent } : {}),
    });
    await store.reload();
    return store;
  };
  const requested = createProvider(options.provider);
  try {
    const store = await load(requested);
    return { store, provider: { requested: requested.name, active: requested.name, description: requested.describe() } };
  } catch (error) {
    if (!(error instanceof ProviderUnavailableError) || options.providerFallback !== "cpu" || requested.name === "cpu") {
      throw error;
    }
    options.onFallback?.(error);
    const cpu = createProvider("cpu");
    const store = await load(cpu);
    return {
      store,
      provider: {
        requested: requested.name,
        active: cpu.name,
        description: cpu.describe(),
        fallback: { from: requested.name, reason: error.reason },
      },
    };
  }
}

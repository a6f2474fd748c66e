/**
 * The execution-provider interface: one implementation per onnxruntime backend the sidecar can run
 * the ranker on (`cpu`, `wasm`, `webgpu`, `cuda`). A provider turns model bytes into a
 * {@link RankerSession}; a provider that cannot run on this machine throws
 * {@link ProviderUnavailableError} when the session is created, which happens at start-up.
 */

/** Names of the execution providers, as accepted by `SIDECAR_PROVIDER`. */
export const EXECUTION_PROVIDER_NAMES = ["cpu", "wasm", "webgpu", "cuda"] as const;

/** One of {@link EXECUTION_PROVIDER_NAMES}. */
export type ExecutionProviderName = (typeof EXECUTION_PROVIDER_NAMES)[number];

/** What a provider reports about itself (logged at start-up, shown in `/healthz`). */
export interface ProviderDescription {
  name: ExecutionProviderName;
  /** The runtime package, e.g. `onnxruntime-node`. */
  runtime: "onnxruntime-node" | "onnxruntime-web";
  /** The runtime's version, known once the runtime has been loaded. */
  runtimeVersion: string | undefined;
  /** Where inference runs: the host CPU, a WebAssembly VM on the CPU, or a GPU. */
  device: "cpu" | "wasm" | "gpu";
}

/** The model's input as the session sees it. */
export interface RankerSessionShape {
  /** Name of the single float32 input. */
  inputName: string;
  /** Name of the single output. */
  outputName: string;
  /** Declared feature width (second input dimension), or `undefined` when the model leaves it symbolic. */
  inputWidth: number | undefined;
}

/** A loaded model on one provider: scores a row-major float32 matrix. */
export interface RankerSession {
  readonly shape: RankerSessionShape;
  /**
   * Scores `rowCount` rows stored row-major in `features` (length `rowCount × width`) and returns
   * one score per row. The session may take ownership of `features` (an inference thread moves
   * its buffer to the thread, detaching it): callers must not read it after the call.
   */
  run(features: Float32Array, rowCount: number): Promise<Float32Array>;
  /** Frees the session's native or wasm memory; the session is unusable afterwards. */
  release(): Promise<void>;
}

/** An onnxruntime backend the sidecar can run the ranker on. */
export interface ExecutionProvider {
  readonly name: ExecutionProviderName;
  /** Creates a session for an ONNX model; throws {@link ProviderUnavailableError} if the backend cannot run here. */
  createSession(modelBytes: Uint8Array): Promise<RankerSession>;
  describe(): ProviderDescription;
}

/** Options of {@link ProviderUnavailableError}. */
export interface ProviderUnavailableDetails {
  /** Short statement of what is missing, e.g. `no WebGPU adapter found`. */
  reason: string;
  /** What the operator can do about it. */
  remedy: string;
  /** The runtime's own error, when there was one. */
  cause?: unknown;
}

/**
 * Raised at start-up when the configured provider cannot run on this machine. The message names
 * the provider, what is missing and how to fix it, e.g.
 * `execution provider "cuda" is unavailable: CUDA execution provider binaries are not installed (...). To fix: ...`.
 */
export class ProviderUnavailableError extends Error {
  readonly reason: string;
  readonly remedy: string;

  constructor(
    readonly provider: ExecutionProviderName,
    details: ProviderUnavailableDetails,
  ) {
    super(`execution provider "${provider}" is unavailable: ${details.reason}. To fix: ${details.remedy}`, {
      cause: details.cause,
    });
    this.name = "ProviderUnavailableError";
    this.reason = details.reason;
    this.remedy = details.remedy;
  }
}

/** Remedy text shared by every GPU provider: how to run without it. */
export const RUN_WITHOUT_PROVIDER_REMEDY =
  "or set SIDECAR_PROVIDER=cpu, or SIDECAR_PROVIDER_FALLBACK=cpu to fall back to the CPU automatically";

/**
 * Messages between the sidecar thread and its inference threads (threaded-provider.ts ↔
 * inference-worker-body.ts), and how errors cross the thread boundary with their type intact.
 */
import { ModelLoadError, type ModelLoadErrorCode } from "../model-load-error";
import {
  ProviderUnavailableError,
  type ExecutionProviderName,
  type ProviderDescription,
  type RankerSessionShape,
} from "../providers/execution-provider";

/** `workerData` of an inference thread. */
export interface InferenceWorkerData {
  provider: ExecutionProviderName;
  modelBytes: Uint8Array;
}

/** Sidecar thread → inference thread. */
export type ToInferenceWorker = { type: "run"; id: number; features: Float32Array; rowCount: number } | { type: "release" };

/** Inference thread → sidecar thread. */
export type FromInferenceWorker =
  | { type: "ready"; shape: RankerSessionShape; description: ProviderDescription }
  | { type: "load_failed"; error: SerializedError }
  | { type: "result"; id: number; scores: Float32Array }
  | { type: "run_failed"; id: number; error: SerializedError }
  | { type: "released"; error?: SerializedError };

/** An error as plain data (structured clone keeps neither the class nor custom fields). */
export type SerializedError =
  | { kind: "provider_unavailable"; provider: ExecutionProviderName; reason: string; remedy: string; message: string }
  | { kind: "model_load"; code: ModelLoadErrorCode; message: string }
  | { kind: "other"; name: string; message: string };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof ProviderUnavailableError) {
    return { kind: "provider_unavailable", provider: error.provider, reason: error.reason, remedy: error.remedy, message: error.message };
  }
  if (error instanceof ModelLoadError) return { kind: "model_load", code: error.code, message: error.message };
  if (error instanceof Error) return { kind: "other", name: error.name, message: error.message };
  return { kind: "other", name: "Error", message: String(error) };
}

/** Rebuilds the error on the sidecar thread: same class and same message as if it had been raised inline. */
export function deserializeError(error: SerializedError): Error {
  switch (error.kind) {
    case "provider_unavailable":
      return new ProviderUnavailableError(error.provider, { reason: error.reason, remedy: error.remedy });
    case "model_load":
      return new ModelLoadError(error.code, error.message);
    default: {
      const rebuilt = new Error(error.message);
      rebuilt.name = error.name;
      return rebuilt;
    }
  }
}

/**
 * The transfer list for sending `array`: its buffer when the array spans all of it (a plain, whole
 * `ArrayBuffer` can be moved to the other thread instead of copied), otherwise a copy's buffer.
 */
export function transferable(array: Float32Array): { array: Float32Array; transfer: ArrayBuffer[] } {
  const { buffer } = array;
  if (buffer instanceof ArrayBuffer && array.byteOffset === 0 && array.byteLength === buffer.byteLength) {
    return { array, transfer: [buffer] };
  }
  const copy = array.slice();
  return { array: copy, transfer: [copy.buffer] };
}

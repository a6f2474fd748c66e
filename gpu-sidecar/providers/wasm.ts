/**
 * The `wasm` provider: onnxruntime-web's WebAssembly backend running inside Node (no native code).
 * The runtime's `.mjs` glue and `.wasm` binary are resolved from the installed onnxruntime-web
 * package and handed to `env.wasm.wasmPaths` explicitly, so loading does not depend on where the
 * bundle thinks it lives.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { errorMessage } from "../../shared/errors/error-message";
import { ModelLoadError } from "../model-load-error";
import { ProviderUnavailableError, type ExecutionProvider } from "./execution-provider";
import { openOrtRankerSession } from "./ort-ranker-session";

/** Options of {@link createWasmProvider}. */
export interface WasmProviderOptions {
  /** WebAssembly threads; 1 runs inference on the calling thread (no worker threads). */
  numThreads?: number;
}

const wasmDefaults = { numThreads: 1 } satisfies Required<WasmProviderOptions>;

const WASM_ARTIFACTS = {
  mjs: "onnxruntime-web/ort-wasm-simd-threaded.mjs",
  wasm: "onnxruntime-web/ort-wasm-simd-threaded.wasm",
} as const;

const REINSTALL_REMEDY = "reinstall onnxruntime-web (`npm ci`) so that its dist/ort-wasm-simd-threaded.{mjs,wasm} files are present";

/** Creates the onnxruntime-web WebAssembly provider. onnxruntime-web is imported on first use. */
export function createWasmProvider(options: WasmProviderOptions = {}): ExecutionProvider {
  const { numThreads } = { ...wasmDefaults, ...options };
  let version: string | undefined;
  return {
    name: "wasm",
    async createSession(modelBytes) {
      const ort = await import("onnxruntime-web");
      version = ort.env.versions.web;
      ort.env.wasm.numThreads = numThreads;
      ort.env.wasm.wasmPaths = resolveWasmArtifacts();
      try {
        return await openOrtRankerSession(ort, modelBytes, { executionProviders: ["wasm"], graphOptimizationLevel: "all" });
      } catch (error) {
        if (error instanceof ModelLoadError) throw error;
        const message = errorMessage(error);
        if (/no available backend/i.test(message)) {
          throw new ProviderUnavailableError("wasm", {
            reason: `onnxruntime-web's WebAssembly runtime failed to initialise (${message})`,
            remedy: REINSTALL_REMEDY,
            cause: error,
          });
        }
        throw new ModelLoadError("model_invalid", `onnxruntime-web cannot load the model: ${message}`, { cause: error });
      }
    },
    describe: () => ({ name: "wasm", runtime: "onnxruntime-web", runtimeVersion: version, device: "wasm" }),
  };
}

function resolveWasmArtifacts(): { mjs: URL; wasm: URL } {
  const require = createRequire(import.meta.url);
  try {
    return {
      mjs: pathToFileURL(require.resolve(WASM_ARTIFACTS.mjs)),
      wasm: pathToFileURL(require.resolve(WASM_ARTIFACTS.wasm)),
    };
  } catch (error) {
    throw new ProviderUnavailableError("wasm", {
      reason: `onnxruntime-web's WebAssembly files cannot be found (${errorMessage(error)})`,
      remedy: REINSTALL_REMEDY,
      cause: error,
    });
  }
}

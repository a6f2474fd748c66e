/**
 * The `cpu` provider: onnxruntime-node's native CPU execution provider. Available wherever
 * onnxruntime-node installs; the sidecar's default and its fallback target.
 */
import { errorMessage } from "../../shared/errors/error-message";
import { ModelLoadError } from "../model-load-error";
import type { ExecutionProvider } from "./execution-provider";
import { openOrtRankerSession } from "./ort-ranker-session";

/** Options of {@link createCpuProvider}. */
export interface CpuProviderOptions {
  /** Threads per inference; 0 lets onnxruntime choose (one per physical core). */
  intraOpNumThreads?: number;
  /**
   * Let onnxruntime's worker threads busy-wait for the next run (its default). Off here: between
   * runs the sidecar's own thread parses requests, and spinning workers would take its core.
   */
  allowSpinning?: boolean;
}

const cpuDefaults = { intraOpNumThreads: 0, allowSpinning: false } satisfies Required<CpuProviderOptions>;

/** Creates the onnxruntime-node CPU provider. onnxruntime-node is imported on first use. */
export function createCpuProvider(options: CpuProviderOptions = {}): ExecutionProvider {
  const { intraOpNumThreads, allowSpinning } = { ...cpuDefaults, ...options };
  let version: string | undefined;
  return {
    name: "cpu",
    async createSession(modelBytes) {
      const ort = await import("onnxruntime-node");
      version = ort.env.versions.node;
      try {
        return await openOrtRankerSession(ort, modelBytes, {
          executionProviders: ["cpu"],
          graphOptimizationLevel: "all",
          intraOpNumThreads,
          extra: { session: { intra_op: { allow_spinning: allowSpinning ? "1" : "0" } } },
        });
      } catch (error) {
        if (error instanceof ModelLoadError) throw error;
        throw new ModelLoadError("model_invalid", `onnxruntime-node cannot load the model: ${errorMessage(error)}`, {
          cause: error,
        });
      }
    },
    describe: () => ({ name: "cpu", runtime: "onnxruntime-node", runtimeVersion: version, device: "cpu" }),
  };
}

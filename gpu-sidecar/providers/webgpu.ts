/**
 * The `webgpu` provider: the WebGPU execution provider bundled in onnxruntime-node (Dawn, native).
 * It needs a GPU adapter: Vulkan on Linux, D3D12 on Windows, Metal on macOS. Without one, session
 * creation fails and this provider reports "no WebGPU adapter found" at start-up.
 */
import { errorMessage } from "../../shared/errors/error-message";
import { ModelLoadError } from "../model-load-error";
import { ProviderUnavailableError, RUN_WITHOUT_PROVIDER_REMEDY, type ExecutionProvider } from "./execution-provider";
import { openOrtRankerSession } from "./ort-ranker-session";

/** Options of {@link createWebGpuProvider}. */
export interface WebGpuProviderOptions {
  /** WebGPU validation level; `basic` is onnxruntime's default, `full` is for debugging. */
  validationMode?: "wgpuOnly" | "basic" | "full";
}

const webGpuDefaults = { validationMode: "basic" } satisfies Required<WebGpuProviderOptions>;

const ADAPTER_REMEDY =
  "run on a machine with a GPU and a WebGPU-capable driver (Linux: the vendor's Vulkan driver and libvulkan1; Windows: D3D12; macOS: Metal), " +
  RUN_WITHOUT_PROVIDER_REMEDY;

/** Creates the onnxruntime-node WebGPU provider. onnxruntime-node is imported on first use. */
export function createWebGpuProvider(options: WebGpuProviderOptions = {}): ExecutionProvider {
  const { validationMode } = { ...webGpuDefaults, ...options };
  let version: string | undefined;
  return {
    name: "webgpu",
    async createSession(modelBytes) {
      const ort = await import("onnxruntime-node");
      version = ort.env.versions.node;
      if (!ort.listSupportedBackends().some((backend) => backend.name === "webgpu")) {
        throw new ProviderUnavailableError("webgpu", {
          reason: `this onnxruntime-node ${version ?? ""} build on ${process.platform}/${process.arch} has no WebGPU execution provider`,
          remedy: `use an onnxruntime-node release that bundles WebGPU for this platform, ${RUN_WITHOUT_PROVIDER_REMEDY}`,
        });
      }
      try {
        return await openOrtRankerSession(ort, modelBytes, {
          executionProviders: [{ name: "webgpu", validationMode }],
          graphOptimizationLevel: "all",
        });
      } catch (error) {
        if (error instanceof ModelLoadError) throw error;
        const message = errorMessage(error);
        if (/adapter|webgpu|dawn/i.test(message)) {
          throw new ProviderUnavailableError("webgpu", {
            reason: `no WebGPU adapter found (onnxruntime-node: ${lastClause(message)})`,
            remedy: ADAPTER_REMEDY,
            cause: error,
          });
        }
        throw new ModelLoadError("model_invalid", `onnxruntime-node (webgpu) cannot load the model: ${message}`, { cause: error });
      }
    },
    describe: () => ({ name: "webgpu", runtime: "onnxruntime-node", runtimeVersion: version, device: "gpu" }),
  };
}

/** The runtime's human part of an error that starts with a long source location and assertion. */
function lastClause(message: string): string {
  const marker = message.lastIndexOf(" was false. ");
  return marker >= 0 ? message.slice(marker + " was false. ".length) : message;
}

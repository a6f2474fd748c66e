/**
 * The `cuda` provider: onnxruntime-node's CUDA execution provider. Its binaries are not in the npm
 * package; onnxruntime-node's install script downloads them (linux/x64 and win32/x64, CUDA 12)
 * unless installation is skipped, as this project's `.npmrc` does. Before creating a session the
 * provider checks that the binaries are on disk, so a missing install is reported with the command
 * that fixes it instead of a native loader error.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { errorMessage } from "../../shared/errors/error-message";
import { ModelLoadError } from "../model-load-error";
import { ProviderUnavailableError, RUN_WITHOUT_PROVIDER_REMEDY, type ExecutionProvider } from "./execution-provider";
import { openOrtRankerSession } from "./ort-ranker-session";

/** Options of {@link createCudaProvider}. */
export interface CudaProviderOptions {
  /** CUDA device ordinal. */
  deviceId?: number;
}

const cudaDefaults = { deviceId: 0 } satisfies Required<CudaProviderOptions>;

/** CUDA provider libraries onnxruntime-node needs, per platform it publishes them for. */
const CUDA_LIBRARIES: Partial<Record<string, readonly string[]>> = {
  "linux/x64": ["libonnxruntime_providers_shared.so", "libonnxruntime_providers_cuda.so"],
  "win32/x64": ["onnxruntime_providers_shared.dll", "onnxruntime_providers_cuda.dll"],
};

const INSTALL_REMEDY =
  "on a machine with CUDA 12 and cuDNN 9, reinstall onnxruntime-node with its CUDA binaries, i.e. without ONNXRUNTIME_NODE_INSTALL=skip: " +
  "`ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node` (the variable overrides `onnxruntime-node-install=skip` in .npmrc; " +
  `the binaries are downloaded from nuget.org), ${RUN_WITHOUT_PROVIDER_REMEDY}`;

/** Creates the onnxruntime-node CUDA provider. onnxruntime-node is imported on first use. */
export function createCudaProvider(options: CudaProviderOptions = {}): ExecutionProvider {
  const { deviceId } = { ...cudaDefaults, ...options };
  let version: string | undefined;
  return {
    name: "cuda",
    async createSession(modelBytes) {
      const ort = await import("onnxruntime-node");
      version = ort.env.versions.node;
      const platform = `${process.platform}/${process.arch}`;
      const libraries = CUDA_LIBRARIES[platform];
      if (!libraries || !ort.listSupportedBackends().some((backend) => backend.name === "cuda")) {
        throw new ProviderUnavailableError("cuda", {
          reason: `onnxruntime-node ${version ?? ""} has no CUDA execution provider for ${platform}`,
          remedy: `run the sidecar on linux/x64 or win32/x64 with an NVIDIA GPU, ${RUN_WITHOUT_PROVIDER_REMEDY}`,
        });
      }
      const binaryFolder = onnxruntimeBinaryFolder(platform);
      const missing = libraries.filter((file) => !existsSync(join(binaryFolder, file)));
      if (missing.length > 0) {
        throw new ProviderUnavailableError("cuda", {
          reason: `the CUDA execution provider binaries are not installed (${missing.join(", ")} missing in ${binaryFolder})`,
          remedy: INSTALL_REMEDY,
        });
      }
      try {
        return await openOrtRankerSession(ort, modelBytes, {
          executionProviders: [{ name: "cuda", deviceId }],
          graphOptimizationLevel: "all",
        });
      } catch (error) {
        if (error instanceof ModelLoadError) throw error;
        const message = errorMessage(error);
        if (/cuda|cudnn|cublas|shared library|provider/i.test(message)) {
          throw new ProviderUnavailableError("cuda", {
            reason: `the CUDA execution provider failed to start (onnxruntime-node: ${message})`,
            remedy: `check that an NVIDIA GPU, its driver, CUDA 12 and cuDNN 9 are installed and visible to this process, ${RUN_WITHOUT_PROVIDER_REMEDY}`,
            cause: error,
          });
        }
        throw new ModelLoadError("model_invalid", `onnxruntime-node (cuda) cannot load the model: ${message}`, { cause: error });
      }
    },
    describe: () => ({ name: "cuda", runtime: "onnxruntime-node", runtimeVersion: version, device: "gpu" }),
  };
}

/** Where onnxruntime-node keeps its native libraries for `platform` (`bin/napi-v6/<os>/<arch>`). */
function onnxruntimeBinaryFolder(platform: string): string {
  const packageJson = createRequire(import.meta.url).resolve("onnxruntime-node/package.json");
  return join(dirname(packageJson), "bin", "napi-v6", platform);
}

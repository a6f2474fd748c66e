/** Maps a provider name from config to its implementation (one lookup table, checked by the compiler). */
import { createCpuProvider } from "./cpu";
import { createCudaProvider } from "./cuda";
import type { ExecutionProvider, ExecutionProviderName } from "./execution-provider";
import { createWasmProvider } from "./wasm";
import { createWebGpuProvider } from "./webgpu";

const providerFactories = {
  cpu: createCpuProvider,
  wasm: createWasmProvider,
  webgpu: createWebGpuProvider,
  cuda: createCudaProvider,
} satisfies Record<ExecutionProviderName, () => ExecutionProvider>;

/**
 * The provider called `name`, with its default options. Creating it loads nothing; availability is
 * checked when the first session is created.
 *
 * @example
 * const provider = createExecutionProvider("wasm");
 * const session = await provider.createSession(modelBytes);
 */
export function createExecutionProvider(name: ExecutionProviderName): ExecutionProvider {
  return providerFactories[name]();
}

/**
 * The sidecar app over a CPU model store loaded with a fixture ranker, for the sidecar's HTTP
 * tests: call {@link useFixtureSidecarApp} inside a `describe` block and it registers the hooks
 * that write the model folder, load it, and clean up.
 */
import { afterAll, beforeAll } from "vitest";
import { createSidecarApp, type SidecarAppDeps } from "../../gpu-sidecar/app";
import { ModelStore } from "../../gpu-sidecar/model-store";
import type { ProviderStatus } from "../../gpu-sidecar/open-ranker";
import { createCpuProvider } from "../../gpu-sidecar/providers/cpu";
import { fixtureRanker, tempFolder, writeModelFolder } from "./ranker-fixture";

/** The provider status of a sidecar that asked for and got the CPU. */
export const CPU_STATUS: ProviderStatus = { requested: "cpu", active: "cpu", description: createCpuProvider().describe() };

/** The fixture model and a factory of apps serving it (deps override the store or provider). */
export function useFixtureSidecarApp(modelVersion: string) {
  let folder: Awaited<ReturnType<typeof tempFolder>>;
  let store: ModelStore;
  const model = fixtureRanker(modelVersion);
  beforeAll(async () => {
    folder = await tempFolder();
    await writeModelFolder(folder.path, { model });
    store = new ModelStore({ modelDir: folder.path, provider: createCpuProvider() });
    await store.reload();
  });
  afterAll(async () => {
    await store.close();
    await folder.remove();
  });
  return { model, appWith: (deps: Partial<SidecarAppDeps> = {}) => createSidecarApp({ store, provider: CPU_STATUS, ...deps }) };
}

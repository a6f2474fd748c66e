/**
 * Vitest global setup for the workerd project: starts a real ranking sidecar (onnxruntime-node,
 * CPU) on an ephemeral loopback port with the fixture ranker, and provides its URL to tests as
 * `inject("rankerUrl")` (and its model as `inject("rankerModel")`). Stopped when the run ends.
 * It requires TEST_RANKER_TOKEN, the RANKER_TOKEN vitest.config.ts binds for the Worker, so tests
 * reach it as the Worker does (`env.RANKER_TOKEN`).
 */
import type { TestProject } from "vitest/node";
import { loadSidecarConfig } from "../../gpu-sidecar/config";
import { startSidecar } from "../../gpu-sidecar/start-sidecar";
import type {} from "./provided-context";
import { tempFolder, writeModelFolder } from "./ranker-fixture";
import { TEST_RANKER_TOKEN } from "./user-token-keys";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const folder = await tempFolder("workers-sidecar-");
  const model = await writeModelFolder(folder.path);
  const sidecar = await startSidecar({
    config: loadSidecarConfig({
      SIDECAR_HOST: "127.0.0.1",
      SIDECAR_PORT: "0",
      SIDECAR_MODEL_DIR: folder.path,
      SIDECAR_AUTH_TOKEN: TEST_RANKER_TOKEN,
    }),
  });
  project.provide("rankerUrl", sidecar.url);
  project.provide("rankerModel", model);
  return async () => {
    await sidecar.close();
    await folder.remove();
  };
}

/**
 * Vitest global setup for the workerd project: starts a real ranking sidecar (onnxruntime-node,
 * CPU) on an ephemeral loopback port with the fixture ranker, and provides its URL to tests as
 * `inject("rankerUrl")` (and its model as `inject("rankerModel")`). Stopped when the run ends.
 */
import type { TestProject } from "vitest/node";
import { loadSidecarConfig } from "../../gpu-sidecar/config";
import { startSidecar } from "../../gpu-sidecar/start-sidecar";
import type {} from "./provided-context";
import { tempFolder, writeModelFolder } from "./ranker-fixture";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const folder = await tempFolder("workers-sidecar-");
  const model = await writeModelFolder(folder.path);
  const sidecar = await startSidecar({
    config: loadSidecarConfig({ SIDECAR_HOST: "127.0.0.1", SIDECAR_PORT: "0", SIDECAR_MODEL_DIR: folder.path }),
  });
  project.provide("rankerUrl", sidecar.url);
  project.provide("rankerModel", model);
  return async () => {
    await sidecar.close();
    await folder.remove();
  };
}

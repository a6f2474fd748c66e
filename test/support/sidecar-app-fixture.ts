/**
 * The sidecar app over a CPU model store loaded with a fixture ranker, for the sidecar's HTTP
 * tests: call {@link useFixtureSidecarApp} inside a `describe` block and it registers the hooks
 * that write the model folder, load it, and clean up. With `inferenceThreads` the store's sessions
 * run in that many worker threads (the threaded CPU provider) instead of inline. The apps require
 * {@link SIDECAR_TEST_TOKEN}; {@link withToken} adds it to a request.
 */
import { afterAll, beforeAll } from "vitest";
import { createSidecarApp, type SidecarAppDeps } from "../../gpu-sidecar/app";
import { ModelStore } from "../../gpu-sidecar/model-store";
import type { ProviderStatus } from "../../gpu-sidecar/open-ranker";
import { createCpuProvider } from "../../gpu-sidecar/providers/cpu";
import { createThreadedProvider } from "../../gpu-sidecar/threads/threaded-provider";
import { fixtureRanker, tempFolder, writeModelFolder } from "./ranker-fixture";
import { TEST_RANKER_TOKEN } from "./user-token-keys";

/** The `SIDECAR_AUTH_TOKEN` of the fixture apps (the token the workerd tests' Worker sends, too). */
export const SIDECAR_TEST_TOKEN = TEST_RANKER_TOKEN;

/** `init` plus `Authorization: Bearer <SIDECAR_TEST_TOKEN>` (headers given in `init` are kept). */
export function withToken(init: RequestInit = {}): RequestInit {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${SIDECAR_TEST_TOKEN}`);
  return { ...init, headers };
}

/** The provider status of a sidecar that asked for and got the CPU. */
export const CPU_STATUS: ProviderStatus = { requested: "cpu", active: "cpu", description: createCpuProvider().describe() };

/** Options of {@link useFixtureSidecarApp}. */
export interface FixtureSidecarAppOptions {
  /** Run inference in this many worker threads (default 0: inline). */
  inferenceThreads?: number;
}

/** The fixture model and a factory of apps serving it (deps override the store or provider). */
export function useFixtureSidecarApp(modelVersion: string, options: FixtureSidecarAppOptions = {}) {
  let folder: Awaited<ReturnType<typeof tempFolder>>;
  let store: ModelStore;
  const model = fixtureRanker(modelVersion);
  const threads = options.inferenceThreads ?? 0;
  beforeAll(async () => {
    folder = await tempFolder();
    await writeModelFolder(folder.path, { model });
    const provider = threads > 0 ? createThreadedProvider("cpu", { threads }) : createCpuProvider();
    store = new ModelStore({ modelDir: folder.path, provider });
    await store.reload();
  });
  afterAll(async () => {
    await store.close();
    await folder.remove();
  });
  return {
    model,
    /** The loaded store (available once the `beforeAll` hook has run). */
    store: () => store,
    /** An app over the fixture store, requiring {@link SIDECAR_TEST_TOKEN} (send it with {@link withToken}). */
    appWith: (deps: Partial<SidecarAppDeps> = {}) =>
      createSidecarApp({ store, provider: CPU_STATUS, authToken: SIDECAR_TEST_TOKEN, ...deps }),
  };
}

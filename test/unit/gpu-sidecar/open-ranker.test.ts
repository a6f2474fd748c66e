/**
 * Provider selection at start-up: an unavailable provider stops start-up with its typed error,
 * or falls back to the CPU when configured, and the fallback is recorded. Uses a stand-in provider
 * that is always unavailable so the policy is tested the same way on GPU and non-GPU machines.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRanker } from "../../../gpu-sidecar/open-ranker";
import { createExecutionProvider } from "../../../gpu-sidecar/providers/create-execution-provider";
import {
  ProviderUnavailableError,
  type ExecutionProvider,
  type ExecutionProviderName,
} from "../../../gpu-sidecar/providers/execution-provider";
import { fixtureRanker, tempFolder, writeModelFolder } from "../../support/ranker-fixture";

/** Every provider except the CPU is reported missing; the CPU is the real one. */
function onlyCpu(name: ExecutionProviderName): ExecutionProvider {
  if (name === "cpu") return createExecutionProvider("cpu");
  return {
    name,
    createSession: async () => {
      throw new ProviderUnavailableError(name, { reason: `no ${name} device in this test`, remedy: "run elsewhere" });
    },
    describe: () => ({ name, runtime: "onnxruntime-node", runtimeVersion: undefined, device: "gpu" }),
  };
}

describe("openRanker", () => {
  let folder: Awaited<ReturnType<typeof tempFolder>>;

  beforeAll(async () => {
    folder = await tempFolder();
    await writeModelFolder(folder.path, { model: fixtureRanker("open-v1") });
  });
  afterAll(() => folder.remove());

  it("opens the requested provider when it is available", async () => {
    const { store, provider } = await openRanker({
      modelDir: folder.path,
      provider: "cpu",
      providerFallback: "none",
      createProvider: onlyCpu,
    });
    expect(provider).toMatchObject({ requested: "cpu", active: "cpu" });
    expect(provider.fallback).toBeUndefined();
    expect(store.current?.version).toBe("open-v1");
    await store.close();
  });

  it("fails with ProviderUnavailableError when the provider is absent and there is no fallback", async () => {
    const failure = openRanker({ modelDir: folder.path, provider: "cuda", providerFallback: "none", createProvider: onlyCpu });
    await expect(failure).rejects.toBeInstanceOf(ProviderUnavailableError);
    await expect(failure).rejects.toThrow('execution provider "cuda" is unavailable: no cuda device in this test. To fix: run elsewhere');
  });

  it("falls back to the CPU when configured, and records why", async () => {
    const fallbacks: ProviderUnavailableError[] = [];
    const { store, provider } = await openRanker({
      modelDir: folder.path,
      provider: "webgpu",
      providerFallback: "cpu",
      createProvider: onlyCpu,
      onFallback: (error) => fallbacks.push(error),
    });
    expect(provider).toMatchObject({
      requested: "webgpu",
      active: "cpu",
      fallback: { from: "webgpu", reason: "no webgpu device in this test" },
    });
    expect(provider.description.name).toBe("cpu");
    expect(fallbacks.map((e) => e.provider)).toEqual(["webgpu"]);
    expect(store.current?.version).toBe("open-v1");
    await store.close();
  });

  it("does not hide model errors behind the fallback", async () => {
    const missing = openRanker({ modelDir: `${folder.path}/nowhere`, provider: "cuda", providerFallback: "cpu", createProvider: onlyCpu });
    await expect(missing).rejects.toMatchObject({ name: "ModelLoadError", code: "manifest_missing" });
  });
});

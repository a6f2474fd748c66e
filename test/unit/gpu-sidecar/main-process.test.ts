/**
 * `gpu-sidecar/main.ts` as a real process on an ephemeral loopback port: it prints where it
 * listens, answers /healthz to anyone and /v1/rank only with its token, stops cleanly on SIGTERM,
 * and refuses to start (exit 1, one clear line) when the token, the provider or the model is
 * missing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { probeProvider, type ProviderAvailability } from "./provider-availability";
import { FEATURE_SPEC } from "../../../shared/features/feature-spec";
import { scoreLinear } from "../../../shared/ranking/linear-ranker";
import { fixtureRanker, fixtureRows, tempFolder, writeModelFolder } from "../../support/ranker-fixture";
import { SIDECAR_TEST_TOKEN, withToken } from "../../support/sidecar-app-fixture";
import { jsonLines, startSidecarProcess, type SidecarProcess } from "./sidecar-process";

describe("sidecar process (main.ts)", () => {
  let folder: Awaited<ReturnType<typeof tempFolder>>;
  let cuda: ProviderAvailability;
  const running: SidecarProcess[] = [];

  const start = (env: Record<string, string>) => {
    const sidecar = startSidecarProcess({ SIDECAR_HOST: "127.0.0.1", SIDECAR_PORT: "0", ...env });
    running.push(sidecar);
    return sidecar;
  };
  const healthz = async (url: string) => {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    folder = await tempFolder();
    await writeModelFolder(folder.path, { model: fixtureRanker("proc-v1") });
    cuda = await probeProvider("cuda");
  });
  afterEach(() => {
    for (const sidecar of running.splice(0)) sidecar.kill();
  });
  afterAll(() => folder.remove());

  it("starts, answers /healthz and exits 0 on SIGTERM", async () => {
    const sidecar = start({ SIDECAR_MODEL_DIR: folder.path });
    const [, url] = await sidecar.waitForStdout(/sidecar listening on (http:\/\/127\.0\.0\.1:\d+) \(provider=cpu, model=proc-v1\)\n/);
    expect(await healthz(url!)).toMatchObject({ status: 200, body: { status: "ok", model_version: "proc-v1", provider: "cpu" } });

    sidecar.child.kill("SIGTERM");
    const exit = await sidecar.exited();
    expect(exit.code).toBe(0);
    expect(jsonLines(exit.stdout).map((line) => line.event)).toEqual(["sidecar_started", "sidecar_stopping", "sidecar_stopped"]);
  });

  it("runs inference in worker threads under tsx with SIDECAR_INFERENCE_THREADS, and exits 0 on SIGTERM", async () => {
    const sidecar = start({ SIDECAR_MODEL_DIR: folder.path, SIDECAR_INFERENCE_THREADS: "2" });
    const [, url] = await sidecar.waitForStdout(/sidecar listening on (http:\/\/127\.0\.0\.1:\d+) \(provider=cpu, model=proc-v1\)\n/);
    const rows = fixtureRows(25);
    const response = await fetch(
      `${url}/v1/rank`,
      withToken({
        method: "POST",
        body: JSON.stringify({ feature_spec_hash: FEATURE_SPEC.hash, rows }),
        signal: AbortSignal.timeout(10_000),
      }),
    );
    expect(response.status).toBe(200);
    const { scores } = (await response.json()) as { scores: number[] };
    scores.forEach((score, i) => {
      expect(score).toBeCloseTo(scoreLinear(fixtureRanker("proc-v1"), rows[i]!), 5);
    });

    sidecar.child.kill("SIGTERM");
    const exit = await sidecar.exited();
    expect(exit.code).toBe(0);
    expect(jsonLines(exit.stdout)[0]).toMatchObject({ event: "sidecar_started", inference_threads: 2 });
  });

  it("exits 1 with a clear message when SIDECAR_PROVIDER=cuda is unavailable in the inference threads too", async (ctx) => {
    if (cuda.available) return ctx.skip("CUDA is available on this machine, so the sidecar starts on it");
    const exit = await start({ SIDECAR_MODEL_DIR: folder.path, SIDECAR_PROVIDER: "cuda", SIDECAR_INFERENCE_THREADS: "1" }).exited();
    expect(exit.code).toBe(1);
    expect(exit.stderr.trim().split("\n").at(-1)).toBe(`sidecar: cannot start: ${cuda.error.message}`);
  });

  it("exits 1 with a clear message when SIDECAR_PROVIDER=cuda is unavailable and there is no fallback", async (ctx) => {
    if (cuda.available) ctx.skip("CUDA is available on this machine, so the sidecar starts on it");
    const exit = await start({ SIDECAR_MODEL_DIR: folder.path, SIDECAR_PROVIDER: "cuda" }).exited();
    expect(exit.code).toBe(1);
    const lastLine = exit.stderr.trim().split("\n").at(-1);
    expect(lastLine).toMatch(/^sidecar: cannot start: execution provider "cuda" is unavailable: .*CUDA 12/);
    expect(jsonLines(exit.stderr)).toContainEqual(
      expect.objectContaining({ level: "error", event: "sidecar_start_failed", error: "ProviderUnavailableError" }),
    );
    expect(exit.stdout).not.toMatch(/listening/);
  });

  it("falls back to the CPU when SIDECAR_PROVIDER_FALLBACK=cpu and reports it in /healthz", async (ctx) => {
    if (cuda.available) ctx.skip("CUDA is available on this machine, so there is nothing to fall back from");
    const sidecar = start({ SIDECAR_MODEL_DIR: folder.path, SIDECAR_PROVIDER: "cuda", SIDECAR_PROVIDER_FALLBACK: "cpu" });
    const [, url] = await sidecar.waitForStdout(/sidecar listening on (http:\/\/127\.0\.0\.1:\d+) \(provider=cpu, model=proc-v1\)\n/);
    const { body } = await healthz(url!);
    expect(body).toMatchObject({ provider: "cpu", provider_requested: "cuda" });
    expect(body.provider_fallback).toMatch(/CUDA/);
    sidecar.child.kill("SIGINT");
    const exit = await sidecar.exited();
    expect(exit.code).toBe(0);
    expect(jsonLines(exit.stderr)).toContainEqual(
      expect.objectContaining({ level: "warn", event: "provider_fallback", requested: "cuda" }),
    );
  });

  it("exits 1 naming the manifest when the model folder has none", async () => {
    const exit = await start({ SIDECAR_MODEL_DIR: `${folder.path}/missing` }).exited();
    expect(exit.code).toBe(1);
    expect(exit.stderr).toMatch(/sidecar: cannot start: cannot read .*missing\/manifest\.json/);
  });

  it("exits 1 with the configuration problem when SIDECAR_MODEL_DIR is unset", async () => {
    const exit = await start({}).exited();
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain("sidecar: cannot start: invalid sidecar configuration: SIDECAR_MODEL_DIR is required");
  });

  it("exits 1 naming SIDECAR_AUTH_TOKEN when it is unset, and when it is too short (without printing it)", async () => {
    const unset = await start({ SIDECAR_MODEL_DIR: folder.path, SIDECAR_AUTH_TOKEN: "" }).exited();
    expect(unset.code).toBe(1);
    expect(unset.stderr.trim().split("\n").at(-1)).toBe(
      "sidecar: cannot start: invalid sidecar configuration: SIDECAR_AUTH_TOKEN is required: the shared secret callers present as Authorization: Bearer <token> (the Worker's RANKER_TOKEN)",
    );
    const short = await start({ SIDECAR_MODEL_DIR: folder.path, SIDECAR_AUTH_TOKEN: "tiny-secret-42" }).exited();
    expect(short.code).toBe(1);
    expect(short.stderr).toContain(
      "sidecar: cannot start: invalid sidecar configuration: SIDECAR_AUTH_TOKEN must be at least 16 characters",
    );
    expect(short.stderr + short.stdout).not.toContain("tiny-secret-42");
  });

  it("answers /v1/rank only with its token while /healthz stays open, and never prints the token", async () => {
    const sidecar = start({ SIDECAR_MODEL_DIR: folder.path });
    const [, url] = await sidecar.waitForStdout(/sidecar listening on (http:\/\/127\.0\.0\.1:\d+) /);
    const body = JSON.stringify({ feature_spec_hash: FEATURE_SPEC.hash, rows: fixtureRows(2) });
    const refused = await fetch(`${url}/v1/rank`, { method: "POST", body, signal: AbortSignal.timeout(10_000) });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: "unauthorized" } });
    expect((await fetch(`${url}/v1/rank`, withToken({ method: "POST", body, signal: AbortSignal.timeout(10_000) }))).status).toBe(200);
    expect((await healthz(url!)).status).toBe(200);

    sidecar.child.kill("SIGTERM");
    const exit = await sidecar.exited();
    expect(exit.code).toBe(0);
    expect(exit.stdout + exit.stderr).not.toContain(SIDECAR_TEST_TOKEN);
  });
});

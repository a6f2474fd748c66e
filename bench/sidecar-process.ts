/**
 * Runs the ranking sidecar (`gpu-sidecar/main.ts`) as a child process for benchmarks, on an
 * ephemeral loopback port, so the load generator and the server do not share an event loop.
 * Start-up and shutdown waits are bounded; the child is stopped by its own pid. The sidecar
 * requires its SIDECAR_AUTH_TOKEN (a random one unless the caller passes one); `token` is what to
 * send as `Authorization: Bearer <token>`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";

const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));

/** A running sidecar child. */
export interface SidecarChild {
  url: string;
  pid: number;
  /** The child's SIDECAR_AUTH_TOKEN. */
  token: string;
  /** SIGTERM, then SIGKILL if it has not exited within `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

/** A random SIDECAR_AUTH_TOKEN for a benchmark's sidecars. */
export const randomSidecarToken = (): string => randomBytes(24).toString("hex");

/** Starts the sidecar with `env` (plus the current environment without `SIDECAR_*`) and waits until it listens. */
export async function startSidecarChild(env: Record<string, string>, startTimeoutMs = 30_000): Promise<SidecarChild> {
  const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("SIDECAR_")));
  const token = env.SIDECAR_AUTH_TOKEN ?? randomSidecarToken();
  const child = spawn(process.execPath, ["--import", "tsx", "gpu-sidecar/main.ts"], {
    cwd: REPO_ROOT,
    env: { ...baseEnv, SIDECAR_HOST: "127.0.0.1", SIDECAR_PORT: "0", ...env, SIDECAR_AUTH_TOKEN: token },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk.slice(0, 10_000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  void exited.then(() => process.off("exit", killOnExit));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sidecar did not start within ${startTimeoutMs} ms:\n${stderr}`)), startTimeoutMs);
      const check = () => {
        const match = stdout.match(/sidecar listening on (http:\/\/\S+)/);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      child.stdout!.on("data", check);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`sidecar exited with ${code} before listening:\n${stderr}`));
      });
    });
    return { url, pid: child.pid!, token, stop: (timeoutMs = 15_000) => stop(child, exited, timeoutMs) };
  } catch (error) {
    await stop(child, exited, 5000);
    throw error;
  }
}

async function stop(child: ChildProcess, exited: Promise<void>, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  await exited;
  clearTimeout(timer);
}

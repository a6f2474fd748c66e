/**
 * Runs `gpu-sidecar/main.ts` as a real child process (`node --import tsx`) for end-to-end tests,
 * with bounded waits and cleanup by the child's own pid. The child gets `SIDECAR_AUTH_TOKEN =
 * SIDECAR_TEST_TOKEN` unless the test sets it (an empty value leaves it unset).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { SIDECAR_TEST_TOKEN } from "../../support/sidecar-app-fixture";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** How a finished sidecar process ended. */
export interface SidecarExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running sidecar process. */
export interface SidecarProcess {
  child: ChildProcess;
  /** Resolves with the first stdout match of `pattern`; rejects if the process exits first or after `timeoutMs`. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves when the process exits; kills it (SIGKILL) if it has not exited after `timeoutMs`. */
  exited(timeoutMs?: number): Promise<SidecarExit>;
  /** Kills the process if it is still running. */
  kill(): void;
}

/** Starts the sidecar with `env` layered over the current environment minus any `SIDECAR_*` variables (and the test token). */
export function startSidecarProcess(env: Record<string, string>): SidecarProcess {
  const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("SIDECAR_")));
  const child = spawn(process.execPath, ["--import", "tsx", "gpu-sidecar/main.ts"], {
    cwd: REPO_ROOT,
    env: { ...baseEnv, SIDECAR_AUTH_TOKEN: SIDECAR_TEST_TOKEN, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exit = new Promise<SidecarExit>((resolve) => {
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };

  return {
    child,
    kill,
    waitForStdout(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = stdout.match(pattern);
          if (!match) return;
          cleanup();
          resolve(match);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${pattern} on stdout within ${timeoutMs} ms; stdout:\n${stdout}\nstderr:\n${stderr}`));
        }, timeoutMs);
        const onExit = () => {
          cleanup();
          reject(new Error(`sidecar exited before printing ${pattern}; stdout:\n${stdout}\nstderr:\n${stderr}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          child.stdout!.off("data", check);
          child.off("exit", onExit);
        };
        child.stdout!.on("data", check);
        child.once("exit", onExit);
        check();
      });
    },
    async exited(timeoutMs = 30_000) {
      const timer = setTimeout(kill, timeoutMs);
      try {
        return await exit;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** The JSON log lines of `output` (non-JSON lines are skipped). */
export function jsonLines(output: string): Record<string, unknown>[] {
  return output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * The credential the benchmarks present to the Worker (`Authorization: Bearer <key>`): `--key`,
 * else the EDGE_RECS_KEY environment variable, else the admin key (ADMIN_TOKEN) that `npm start`
 * wrote to `.dev.vars`. The admin key is rate-limited generously, so load runs are not throttled;
 * a server key (`POST /v1/admin/keys`) measures what a customer's backend would see.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseDevVars } from "./dev-vars";

/** `.dev.vars` at the repository root, where `npm start` writes it. */
export const DEV_VARS_PATH = fileURLToPath(new URL("../.dev.vars", import.meta.url));

/** Options of {@link workerCredential}. */
export interface WorkerCredentialOptions {
  /** `--key`, when given. */
  key?: string;
  /** Environment to read EDGE_RECS_KEY from (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** The `.dev.vars` file to fall back on (default {@link DEV_VARS_PATH}). */
  devVarsPath?: string;
}

/** Where the credential came from (for the result, never the value). */
export type WorkerCredentialSource = "--key" | "EDGE_RECS_KEY" | ".dev.vars ADMIN_TOKEN";

/**
 * The key to send, and where it came from; throws, saying what to do, when there is none.
 *
 * @example
 * const { key } = workerCredential({ key: opts.key });
 * await fetch(url, { headers: { authorization: `Bearer ${key}` } });
 */
export function workerCredential(options: WorkerCredentialOptions = {}): { key: string; source: WorkerCredentialSource } {
  const { key, env, devVarsPath } = { env: process.env, devVarsPath: DEV_VARS_PATH, ...options };
  if (key?.trim()) return { key: key.trim(), source: "--key" };
  const fromEnv = env.EDGE_RECS_KEY?.trim();
  if (fromEnv) return { key: fromEnv, source: "EDGE_RECS_KEY" };
  const fromFile = existsSync(devVarsPath) ? parseDevVars(readFileSync(devVarsPath, "utf8")).ADMIN_TOKEN?.trim() : undefined;
  if (fromFile) return { key: fromFile, source: ".dev.vars ADMIN_TOKEN" };
  throw new Error(
    `no credential for the Worker: pass --key <key>, set EDGE_RECS_KEY, or run npm start once (it writes ADMIN_TOKEN to ${devVarsPath})`,
  );
}

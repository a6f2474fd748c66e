/** Which Worker the release commands talk to (`--local` / `--remote`; pipeline/admin/worker-admin.ts). */
import { type WorkerTarget, workerAdminOptions } from "../admin/worker-admin";
import { ReleaseClient } from "./release-client";

/** `--local` or `--remote`. */
export type ReleaseTarget = WorkerTarget;

/** The client for `target`; throws, saying what to set, when something is missing. */
export function releaseClientFor(target: ReleaseTarget, env: Record<string, string | undefined> = process.env): ReleaseClient {
  return new ReleaseClient(workerAdminOptions(target, env));
}

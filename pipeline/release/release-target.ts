/**
 * Which Worker the release commands talk to: `--local` is the running `npm start` stack
 * (http://127.0.0.1:$PORT, default 8787; the admin key from EDGE_RECS_KEY or `.dev.vars`), `--remote`
 * a deployed Worker (EDGE_RECS_URL and an admin key in EDGE_RECS_KEY).
 */
import { workerCredential } from "../../scripts/worker-credential";
import { ReleaseClient } from "./release-client";

/** `--local` or `--remote`. */
export type ReleaseTarget = "local" | "remote";

/** The client for `target`; throws, saying what to set, when something is missing. */
export function releaseClientFor(target: ReleaseTarget, env: Record<string, string | undefined> = process.env): ReleaseClient {
  if (target === "local") return new ReleaseClient({ url: `http://127.0.0.1:${env.PORT ?? 8787}`, key: workerCredential({ env }).key });
  const url = env.EDGE_RECS_URL?.trim();
  const key = env.EDGE_RECS_KEY?.trim();
  if (!url || !key) throw new Error("--remote needs EDGE_RECS_URL (the deployed Worker, https://…) and EDGE_RECS_KEY (an admin key)");
  return new ReleaseClient({ url, key });
}

/**
 * Turns a `--lake` argument into a {@link LakeSource}:
 *
 * - `local` — the running `npm start` stack (http://127.0.0.1:$PORT, default 8787), read with the
 *   admin key from EDGE_RECS_KEY or `.dev.vars` (what npm start wrote);
 * - `http://…` or `https://…` — a deployed Worker, read with the admin key in EDGE_RECS_KEY;
 * - anything else — a folder holding the bucket's layout, `pipeline compact`'s Parquet layout, or both.
 */
import { workerAdminOptions } from "../../admin/worker-admin";
import type { LakeSource } from "./lake-source";
import { parquetLakeSource } from "./parquet-lake-source";
import { workerLakeSource } from "./worker-lake-source";

/** The lake `spec` names; throws, saying what to set, when a Worker needs a key it does not have. */
export function lakeSourceFrom(spec: string, env: Record<string, string | undefined> = process.env): LakeSource {
  if (spec === "local") return workerLakeSource(workerAdminOptions("local", env));
  if (/^https?:\/\//.test(spec)) {
    const key = env.EDGE_RECS_KEY?.trim();
    if (!key) throw new Error(`--lake ${spec}: set EDGE_RECS_KEY to an admin key of that Worker`);
    return workerLakeSource({ url: spec, key });
  }
  return parquetLakeSource(spec);
}

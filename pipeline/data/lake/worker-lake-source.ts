/**
 * The event lake read through the Worker's admin API (`GET /v1/admin/event-log`, `…/object`;
 * workers/routes/event-log-admin.ts; calls and retries: pipeline/admin/worker-admin.ts): the same
 * code reads `npm start`'s local R2 and a deployed Worker's bucket, with the admin key as the only
 * credential.
 */
import { AdminCallError, WorkerAdmin, type WorkerAdminOptions } from "../../admin/worker-admin";
import type { LakeSource } from "./lake-source";

/** A {@link LakeSource} over the Worker's admin API. */
export function workerLakeSource(options: WorkerAdminOptions): LakeSource {
  const admin = new WorkerAdmin(options);
  const get = async (path: string, query: Record<string, string>): Promise<Response> => {
    const target = `${path}?${new URLSearchParams(query)}`;
    try {
      return await admin.request("GET", target);
    } catch (error) {
      const detail =
        error instanceof AdminCallError && error.status > 0
          ? error.message.slice(error.message.indexOf("→") + 2)
          : (error as Error).message;
      throw new Error(`event lake at ${admin.url}: GET /v1/admin${target} failed: ${detail}`);
    }
  };
  return {
    description: `Worker ${admin.url}`,
    async *list(prefix: string) {
      let cursor: string | null = null;
      do {
        const response = await get("/event-log", { prefix, ...(cursor ? { cursor } : {}) });
        const page = (await response.json()) as { objects: { key: string }[]; cursor: string | null };
        for (const object of page.objects) yield object.key;
        cursor = page.cursor;
      } while (cursor);
    },
    read: async (key: string) => new Uint8Array(await (await get("/event-log/object", { key })).arrayBuffer()),
  };
}

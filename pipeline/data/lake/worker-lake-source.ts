/**
 * The event lake read through the Worker's admin API (`GET /v1/admin/event-log`, `…/object`;
 * workers/routes/event-log-admin.ts): the same code reads `npm start`'s local R2 and a deployed
 * Worker's bucket, with the admin key as the only credential.
 */
import type { LakeSource } from "./lake-source";

/** Options of {@link workerLakeSource}. */
export interface WorkerLakeSourceOptions {
  /** The Worker's base URL, e.g. `http://127.0.0.1:8787`. */
  url: string;
  /** An admin credential (never logged). */
  key: string;
  /** Attempts per call on a network error or a 5xx (with a short backoff). */
  attempts: number;
  fetch: typeof fetch;
}

/** A {@link LakeSource} over the Worker's admin API. */
export function workerLakeSource(options: Pick<WorkerLakeSourceOptions, "url" | "key"> & Partial<WorkerLakeSourceOptions>): LakeSource {
  const { url, key, attempts, fetch: fetchImpl } = { attempts: 3, fetch: globalThis.fetch, ...options };
  const call = async (path: string, query: Record<string, string>): Promise<Response> => {
    const target = new URL(path, url.endsWith("/") ? url : `${url}/`);
    for (const [name, value] of Object.entries(query)) target.searchParams.set(name, value);
    for (let attempt = 1; ; attempt++) {
      let response: Response | undefined;
      let failure: unknown;
      try {
        response = await fetchImpl(target, { headers: { authorization: `Bearer ${key}` } });
      } catch (error) {
        failure = error;
      }
      if (response?.ok) return response;
      const retryable = response === undefined || response.status >= 500;
      if (!retryable || attempt >= attempts) {
        const detail = response
          ? `${response.status} ${(await response.text()).slice(0, 300)}`
          : String((failure as Error)?.message ?? failure);
        throw new Error(`event lake at ${url}: GET ${target.pathname}${target.search} failed: ${detail}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  };
  return {
    description: `Worker ${url}`,
    async *list(prefix: string) {
      let cursor: string | null = null;
      do {
        const response = await call("v1/admin/event-log", { prefix, ...(cursor ? { cursor } : {}) });
        const page = (await response.json()) as { objects: { key: string }[]; cursor: string | null };
        for (const object of page.objects) yield object.key;
        cursor = page.cursor;
      } while (cursor);
    },
    read: async (objectKey: string) => new Uint8Array(await (await call("v1/admin/event-log/object", { key: objectKey })).arrayBuffer()),
  };
}

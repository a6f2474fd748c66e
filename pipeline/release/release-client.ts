/**
 * The Worker's admin API as the release commands use it (workers/routes/releases-admin.ts and the
 * index routes of workers/routes/admin.ts): the same calls publish to `npm start`'s local stack and
 * to a deployed Worker, with an admin key as the only credential.
 */
import type { ReleasePointer, ReleaseRecord } from "../../shared/artifacts/release";
import { WorkerAdmin } from "../admin/worker-admin";

/** What `release list` shows of one arm of the canary's report. */
export interface CanaryArmReport {
  arm: string;
  counters: { requests: number; impressions: number; clicks: number; conversions: number };
  ctr: { value: number; low: number; high: number };
  latency_p99_ms: number | null;
  guardrails?: Record<string, string>;
}

/** The admin calls of releases. */
export class ReleaseClient extends WorkerAdmin {
  list(): Promise<{ pointer: ReleasePointer | null; releases: ReleaseRecord[] }> {
    return this.call("GET", "/releases");
  }

  uploadKv(id: string, entries: { key: string; value: string }[]): Promise<{ written: number }> {
    return this.call("POST", `/releases/${encodeURIComponent(id)}/kv`, { entries });
  }

  configureIndex(id: string, config: { dimensions: number; metric: string; metadata_indexes: Record<string, string> }): Promise<unknown> {
    return this.call("PUT", `/index?release=${encodeURIComponent(id)}`, config);
  }

  upsertVectors(id: string, ndjson: string): Promise<unknown> {
    return this.call("POST", `/index/vectors?release=${encodeURIComponent(id)}`, ndjson, "application/x-ndjson");
  }

  /** The vectors of `ids` (≤ 100) the release's index returns now. */
  readVectors(id: string, ids: string[]): Promise<{ vectors: { id: string }[] }> {
    return this.call("GET", `/index/vectors?release=${encodeURIComponent(id)}&ids=${ids.map(encodeURIComponent).join(",")}`);
  }

  describeIndex(id: string): Promise<{ version?: string | null; vectorCount?: number }> {
    return this.call("GET", `/index?release=${encodeURIComponent(id)}`);
  }

  setIndexVersion(id: string): Promise<unknown> {
    return this.call("PUT", `/index/version?release=${encodeURIComponent(id)}`, { version: id });
  }

  register(id: string, manifest: unknown): Promise<{ release: ReleaseRecord }> {
    return this.call("PUT", `/releases/${encodeURIComponent(id)}`, manifest);
  }

  activate(id: string): Promise<{ pointer: ReleasePointer; changed: boolean }> {
    return this.call("POST", `/releases/${encodeURIComponent(id)}/activate`);
  }

  startCanary(id: string, share: number): Promise<{ pointer: ReleasePointer }> {
    return this.call("PUT", `/releases/${encodeURIComponent(id)}/canary`, { share });
  }

  /** The running canary's A/B report (arms `control` and `canary`). */
  canaryReport(): Promise<{ canary: string; current: string; share: number; report: { arms: CanaryArmReport[] } }> {
    return this.call("GET", "/releases/canary");
  }

  stopCanary(): Promise<{ pointer: ReleasePointer }> {
    return this.call("DELETE", "/releases/canary");
  }

  unregister(id: string): Promise<unknown> {
    return this.call("DELETE", `/releases/${encodeURIComponent(id)}`);
  }

  purge(id: string): Promise<{ deleted: number; remaining: boolean }> {
    return this.call("POST", `/releases/${encodeURIComponent(id)}/purge`);
  }
}

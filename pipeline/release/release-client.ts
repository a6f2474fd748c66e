/**
 * The Worker's admin API as the release commands use it (workers/routes/releases-admin.ts and the
 * index routes of workers/routes/admin.ts): the same calls publish to `npm start`'s local stack and
 * to a deployed Worker, with an admin key as the only credential.
 */
import type { ReleasePointer, ReleaseRecord } from "../../shared/artifacts/release";

/** What `release list` shows of one arm of the canary's report. */
export interface CanaryArmReport {
  arm: string;
  counters: { requests: number; impressions: number; clicks: number; conversions: number };
  ctr: { value: number; low: number; high: number };
  latency_p99_ms: number | null;
  guardrails?: Record<string, string>;
}

/** Where the Worker is and how to call it. */
export interface ReleaseClientOptions {
  url: string;
  /** An admin credential (never printed). */
  key: string;
  fetch?: typeof fetch;
}

/** A failed admin call: status and the Worker's error code, when it sent one. */
export class AdminCallError extends Error {
  override name = "AdminCallError";
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The admin calls of releases. */
export class ReleaseClient {
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ReleaseClientOptions) {
    this.base = options.url.replace(/\/+$/, "");
    this.fetchImpl = options.fetch ?? globalThis.fetch;
  }

  /** What the Worker is (for messages). */
  get url(): string {
    return this.base;
  }

  async call<T>(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<T> {
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.base}/v1/admin${path}`, {
        method,
        headers: { authorization: `Bearer ${this.options.key}`, ...(body !== undefined ? { "content-type": contentType } : {}) },
        ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
      });
    } catch (error) {
      throw new AdminCallError(
        `${method} ${path}: the Worker at ${this.base} is unreachable (${(error as Error).message}); is npm start running?`,
        0,
      );
    }
    const text = await response.text();
    const json = text ? (JSON.parse(text) as unknown) : null;
    if (!response.ok) {
      const error = (json as { error?: { code?: string; message?: string } } | null)?.error;
      throw new AdminCallError(
        `${method} ${path} → ${response.status} ${error?.code ?? ""}: ${error?.message ?? text.slice(0, 300)}`,
        response.status,
        error?.code,
      );
    }
    return json as T;
  }

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

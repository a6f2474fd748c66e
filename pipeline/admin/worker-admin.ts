/**
 * The Worker's admin API as the offline tools call it — the release commands
 * (pipeline/release/release-client.ts) and the event lake reader (pipeline/data/lake/) — with an
 * admin key as the only credential, so the same calls reach `npm start`'s local stack and a
 * deployed Worker. Reads (GET) are retried on a network error or a 5xx; writes are not.
 */
import { workerCredential } from "../../scripts/worker-credential";

/** Where the Worker is and how to call it. */
export interface WorkerAdminOptions {
  url: string;
  /** An admin credential (never printed). */
  key: string;
  fetch?: typeof fetch;
}

/** A failed admin call: status (0 when the Worker was unreachable) and the Worker's error code, when it sent one. */
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

/** Attempts of a GET (network error or 5xx), with a short backoff. */
const READ_ATTEMPTS = 3;

/** Calls under `<url>/v1/admin`. */
export class WorkerAdmin {
  protected readonly base: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: WorkerAdminOptions) {
    this.base = options.url.replace(/\/+$/, "");
    this.fetchImpl = options.fetch ?? globalThis.fetch;
  }

  /** What the Worker is (for messages). */
  get url(): string {
    return this.base;
  }

  /** The successful response of `method path` (path under /v1/admin, query included); throws {@link AdminCallError}. */
  async request(method: string, path: string, body?: string, contentType = "application/json"): Promise<Response> {
    const attempts = method === "GET" ? READ_ATTEMPTS : 1;
    for (let attempt = 1; ; attempt++) {
      let response: Response | undefined;
      let failure: unknown;
      try {
        response = await this.fetchImpl(`${this.base}/v1/admin${path}`, {
          method,
          headers: { authorization: `Bearer ${this.options.key}`, ...(body !== undefined ? { "content-type": contentType } : {}) },
          ...(body !== undefined ? { body } : {}),
        });
      } catch (error) {
        failure = error;
      }
      if (response?.ok) return response;
      if ((response === undefined || response.status >= 500) && attempt < attempts) {
        await response?.body?.cancel();
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
        continue;
      }
      if (!response) {
        throw new AdminCallError(
          `${method} ${path}: the Worker at ${this.base} is unreachable (${(failure as Error)?.message ?? String(failure)}); is npm start running?`,
          0,
        );
      }
      const text = await response.text();
      let error: { code?: string; message?: string } | undefined;
      try {
        error = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
      } catch {
        error = undefined;
      }
      throw new AdminCallError(
        `${method} ${path} → ${response.status} ${error?.code ?? ""}: ${error?.message ?? text.slice(0, 300)}`,
        response.status,
        error?.code,
      );
    }
  }

  /** `method path` with a JSON (or, for a string, as-is) body; the answer parsed as JSON. */
  async call<T>(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<T> {
    const response = await this.request(
      method,
      path,
      body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      contentType,
    );
    const text = await response.text();
    return (text ? JSON.parse(text) : null) as T;
  }
}

/** `--local` (the running npm start stack) or `--remote` (a deployed Worker). */
export type WorkerTarget = "local" | "remote";

/**
 * The Worker and admin key of `target`: `local` is http://127.0.0.1:$PORT (8787) with the key from
 * EDGE_RECS_KEY or `.dev.vars`; `remote` is EDGE_RECS_URL with EDGE_RECS_KEY. Throws, saying what to
 * set, when something is missing.
 */
export function workerAdminOptions(target: WorkerTarget, env: Record<string, string | undefined> = process.env): WorkerAdminOptions {
  if (target === "local") return { url: `http://127.0.0.1:${env.PORT ?? 8787}`, key: workerCredential({ env }).key };
  const url = env.EDGE_RECS_URL?.trim();
  const key = env.EDGE_RECS_KEY?.trim();
  if (!url || !key) throw new Error("--remote needs EDGE_RECS_URL (the deployed Worker, https://…) and EDGE_RECS_KEY (an admin key)");
  return { url, key };
}

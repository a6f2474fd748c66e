/**
 * A closed-loop HTTP load generator for the sidecar: `concurrency` clients each send
 * `POST /v1/rank` back to back over keep-alive loopback connections, cycling through
 * pre-serialised bodies (so the client spends almost nothing per request), until `maxRequests`
 * have completed or `maxSeconds` have passed. Bodies are JSON text or binary (the sidecar's
 * `application/octet-stream` encoding), with the headers the caller gives.
 */
import { Agent, request } from "node:http";

/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** Sidecar base URL (loopback only). */
  url: string;
  /** Request bodies to cycle through; each carries `rowsPerRequest` rows. */
  bodies: (string | Uint8Array)[];
  /** Request headers (default `content-type: application/json`); `content-length` is added. */
  headers?: Record<string, string>;
  rowsPerRequest: number;
  concurrency: number;
  maxRequests: number;
  maxSeconds: number;
}

/** What a load run measured. */
export interface LoadResult {
  /** Requests answered 200. */
  ok: number;
  /** Requests answered otherwise, or failed, by status (`error` for a transport failure). */
  failures: Record<string, number>;
  /** Rows scored (rows of 200 answers). */
  rows: number;
  elapsedSeconds: number;
  rowsPerSecond: number;
  /** Client-side latency of every answered request, in milliseconds. */
  latenciesMs: number[];
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Runs one load phase. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const base = new URL(options.url);
  if (!LOOPBACK.has(base.hostname)) throw new Error(`refusing to load ${base.hostname}: benchmarks target loopback only`);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const headers = options.headers ?? { "content-type": "application/json" };
  const deadline = performance.now() + options.maxSeconds * 1000;
  const failures: Record<string, number> = {};
  const latenciesMs: number[] = [];
  let ok = 0;
  let started = 0;
  const begin = performance.now();

  const client = async () => {
    while (started < options.maxRequests && performance.now() < deadline) {
      const body = options.bodies[started++ % options.bodies.length]!;
      const sent = performance.now();
      try {
        const status = await post(agent, base, body, headers);
        latenciesMs.push(performance.now() - sent);
        if (status === 200) ok++;
        else failures[status] = (failures[status] ?? 0) + 1;
      } catch {
        failures.error = (failures.error ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  const elapsedSeconds = (performance.now() - begin) / 1000;
  agent.destroy();
  const rows = ok * options.rowsPerRequest;
  return { ok, failures, rows, elapsedSeconds, rowsPerSecond: rows / elapsedSeconds, latenciesMs };
}

function post(agent: Agent, base: URL, body: string | Uint8Array, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        path: "/v1/rank",
        method: "POST",
        headers: { ...headers, "content-length": typeof body === "string" ? Buffer.byteLength(body) : body.byteLength },
        timeout: 30_000,
      },
      (res) => {
        res.on("data", () => {});
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * `npm run bench -- fuzz`: sends hostile requests (hostile-requests.ts) to a running Worker
 * (`npm start`, loopback only) and checks the API contract on every answer: no 5xx, every 4xx JSON
 * with a string `error.code`. Bounded in count and time; stops by itself.
 *
 * Credentials: the admin key (for the run's setup: one read-only server key, revoked at the end),
 * that key, user tokens minted with USER_TOKEN_SECRET for the user asked about and for another
 * user, and wrong or garbage ones. Requests the generator labels "admin" carry a read+write server
 * key unless `--admin` is given: as the admin key they could reset the local demo's vector index or
 * delete its items (test/workers/fuzz.test.ts sends them as the admin key, on throw-away storage).
 */
import { mintUserToken } from "../scripts/user-token";
import {
  authorizationFor,
  emptyFuzzFindings,
  type FuzzCredentials,
  type FuzzFindings,
  hostileRequestInit,
  hostileRequests,
  type HostileRequest,
  recordFuzzAnswer,
} from "./hostile-requests";

/** Options of {@link runFuzzBench}. */
export interface FuzzBenchOptions {
  url: string;
  /** The admin key (setup, and "admin" requests with `admin: true`). */
  key: string;
  /** Signs user tokens (USER_TOKEN_SECRET of the Worker). */
  userTokenSecret: string;
  requests: number;
  concurrency: number;
  seed: number;
  maxSeconds: number;
  /** Send "admin"-labelled requests with the admin key (may wipe the local demo's state). */
  admin: boolean;
}

/** Defaults of {@link runFuzzBench}. */
export const FUZZ_BENCH_DEFAULTS = {
  url: "http://127.0.0.1:8787",
  requests: 10_000,
  concurrency: 8,
  seed: 20261206,
  maxSeconds: 600,
  admin: false,
} as const satisfies Partial<FuzzBenchOptions>;

/** What a run measured. */
export interface FuzzBenchResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  byStatus: Record<string, number>;
  serverErrors: number;
  nonJsonErrors: number;
  /** Up to 10 violating answers of each kind. */
  samples: Pick<FuzzFindings, "serverErrors" | "nonJsonErrors">;
  /** True when the contract held for every answer. */
  passed: boolean;
}

async function createKey(url: string, adminKey: string, name: string, scopes: string[]): Promise<{ key: string; key_id: string }> {
  const response = await fetch(`${url}/v1/admin/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
    body: JSON.stringify({ name, scopes }),
  });
  if (response.status !== 201) throw new Error(`could not create a server key (${response.status}): ${await response.text()}`);
  return (await response.json()) as { key: string; key_id: string };
}

/** Runs the fuzz and returns its findings. */
export async function runFuzzBench(
  options: Partial<FuzzBenchOptions> & Pick<FuzzBenchOptions, "key" | "userTokenSecret">,
): Promise<FuzzBenchResult> {
  const opts = { ...FUZZ_BENCH_DEFAULTS, ...options } satisfies FuzzBenchOptions;
  const reader = await createKey(opts.url, opts.key, "fuzz bench (read)", ["recommendations:read"]);
  const writer = await createKey(opts.url, opts.key, "fuzz bench (read+write)", ["recommendations:read", "events:write"]);
  const tokens = new Map<string, string>();
  const userToken = async (userId: string) => {
    let token = tokens.get(userId);
    if (!token) {
      token = await mintUserToken({ secret: opts.userTokenSecret, userId });
      tokens.set(userId, token);
    }
    return token;
  };
  const credentials: FuzzCredentials = { admin: opts.admin ? opts.key : writer.key, serverRead: reader.key, userToken };
  const send = async (request: HostileRequest): Promise<Response> =>
    fetch(`${opts.url}${request.path}`, {
      ...hostileRequestInit(request, await authorizationFor(request.credential, request.userId, credentials)),
      signal: AbortSignal.timeout(30_000),
    } as RequestInit);

  const findings = emptyFuzzFindings();
  const requests = hostileRequests(opts.seed, opts.requests);
  const started = performance.now();
  const deadline = started + opts.maxSeconds * 1000;
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: opts.concurrency }, async () => {
        while (next < requests.length && performance.now() < deadline) {
          const request = requests[next++]!;
          try {
            const response = await send(request);
            recordFuzzAnswer(findings, request, response.status, await response.text());
          } catch (error) {
            // A dropped connection is a server failure as far as a client can tell.
            recordFuzzAnswer(findings, request, 599, `network error: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
      }),
    );
  } finally {
    for (const { key_id } of [reader, writer]) {
      await fetch(`${opts.url}/v1/admin/keys/${key_id}`, { method: "DELETE", headers: { authorization: `Bearer ${opts.key}` } }).catch(
        () => undefined,
      );
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    requests: findings.requests,
    seconds: Math.round(seconds * 10) / 10,
    requestsPerSecond: Math.round(findings.requests / seconds),
    byStatus: findings.byStatus,
    serverErrors: findings.serverErrors.length,
    nonJsonErrors: findings.nonJsonErrors.length,
    samples: { serverErrors: findings.serverErrors.slice(0, 10), nonJsonErrors: findings.nonJsonErrors.slice(0, 10) },
    passed: findings.serverErrors.length === 0 && findings.nonJsonErrors.length === 0,
  };
}

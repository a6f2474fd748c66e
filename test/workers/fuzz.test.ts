/**
 * Fuzz: thousands of hostile requests across every route, with and without credentials (see
 * bench/hostile-requests.ts), answer no 5xx and only JSON 4xx errors with a string `error.code`.
 * The same generator runs against `npm start` as `npm run bench -- fuzz`. Here "admin" requests
 * carry the admin key for real: they may reset the index or delete items, on this file's own storage.
 */
import { sign } from "hono/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import {
  authorizationFor,
  emptyFuzzFindings,
  type FuzzCredentials,
  hostileRequestInit,
  hostileRequests,
  type HostileRequest,
  recordFuzzAnswer,
} from "../../bench/hostile-requests";
import { TEST_USER_TOKEN_SECRET } from "../support/user-token-keys";
import { seedFixture } from "./fixture";
import { ADMIN_TOKEN, call, callHandler, json } from "./helpers";

/** Requests per run: every route × credential × body shape many times over. */
const FUZZ_REQUESTS = 10_000;

let serverKey = "";
const tokens = new Map<string, string>();

async function userToken(userId: string): Promise<string> {
  let token = tokens.get(userId);
  if (!token) {
    const now = Math.floor(Date.now() / 1000);
    token = await sign({ sub: userId, iat: now, exp: now + 3600 }, TEST_USER_TOKEN_SECRET, "HS256");
    tokens.set(userId, token);
  }
  return token;
}

async function send(request: HostileRequest): Promise<Response> {
  const credentials: FuzzCredentials = { admin: ADMIN_TOKEN, serverRead: serverKey, userToken };
  const init = hostileRequestInit(request, await authorizationFor(request.credential, request.userId, credentials));
  return callHandler(request.path, init);
}

beforeAll(async () => {
  await seedFixture();
  const created = await call("/v1/admin/keys", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "fuzz", scopes: ["recommendations:read"] }),
  });
  serverKey = (await json(created)).key;
});

describe("hostile requests", () => {
  it(`${FUZZ_REQUESTS} across every route answer no 5xx and only JSON 4xx errors`, { timeout: 600_000 }, async () => {
    const findings = emptyFuzzFindings();
    const requests = hostileRequests(20261206, FUZZ_REQUESTS);
    const concurrency = 4;
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < requests.length) {
          const request = requests[next++]!;
          const response = await send(request);
          recordFuzzAnswer(findings, request, response.status, await response.text());
        }
      }),
    );
    console.log(`fuzz: ${JSON.stringify(findings.byStatus)}`);
    expect(findings.requests).toBe(FUZZ_REQUESTS);
    expect(findings.serverErrors.slice(0, 5)).toEqual([]);
    expect(findings.nonJsonErrors.slice(0, 5)).toEqual([]);
    // Every outcome the contract allows occurred: successes, 401, 403, 400, 404, 413, 429.
    for (const status of ["200", "400", "401", "403", "404", "413", "429"]) expect(findings.byStatus[status] ?? 0).toBeGreaterThan(0);
  });
});

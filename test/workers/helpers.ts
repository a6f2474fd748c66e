/** Helpers for workerd integration tests: call the Worker and read JSON. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import worker from "../../workers/index";

/** The admin token the test configuration binds (vitest.config.ts). */
export const ADMIN_TOKEN = "test-admin-token";

/**
 * Sends a request to the Worker under test, as the admin key unless `init` sets its own
 * `authorization` header (most tests exercise the funnel, not the credentials; test/workers/auth*.test.ts
 * call {@link callAnonymous} and send the other kinds of credential).
 */
export function call(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has("authorization")) headers.set("authorization", `Bearer ${ADMIN_TOKEN}`);
  return exports.default.fetch(new Request(`http://edge.test${path}`, { ...init, headers }));
}

/** Sends a request with exactly the headers given (no credential unless they carry one). */
export function callAnonymous(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`http://edge.test${path}`, init));
}

/**
 * Sends a request with exactly the headers given by calling the Worker's fetch handler in this
 * isolate, and waits for its background work. For tests that send many requests: the pool's
 * loopback (`exports.default.fetch`) slows down with every request it has carried (600 /healthz:
 * 38 s through it, 0.4 s direct).
 */
export async function callHandler(path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`http://edge.test${path}`, init), env, ctx);
  const text = await response.text();
  await waitOnExecutionContext(ctx);
  return new Response(text, { status: response.status, headers: response.headers });
}

/** Sends JSON to the Worker. */
export function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return call(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

/** Headers for admin routes. */
export const adminHeaders = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** Parses a response body as JSON of the expected shape. */
export async function json<T = any>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/**
 * Sends a request through the Worker's fetch handler called with `environment` (an env with a
 * binding replaced: a failing queue, a fake Pipelines stream, stand-in Vectorize indexes) and
 * waits for its background work.
 */
export async function callWithEnv(environment: Env, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`http://edge.test${path}`, init), environment, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** POSTs `body` as JSON to `path` with the admin key through {@link callWithEnv}. */
export function postJsonWithEnv(environment: Env, path: string, body: unknown): Promise<Response> {
  return callWithEnv(environment, path, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify(body),
  });
}

/** Helpers for workerd integration tests: call the Worker and read JSON. */
import { exports } from "cloudflare:workers";

/** The admin token the test configuration binds (vitest.config.ts). */
export const ADMIN_TOKEN = "test-admin-token";

/** Sends a request to the Worker under test. */
export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`http://edge.test${path}`, init));
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

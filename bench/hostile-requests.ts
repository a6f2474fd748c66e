/**
 * Hostile requests for fuzzing the edge API (`npm run bench -- fuzz` against a running Worker, and
 * test/workers/fuzz.test.ts inside workerd): every route, right and wrong methods, mangled ids and
 * query values, malformed, oversized, deeply nested and wrongly typed bodies, chunked bodies, and
 * every kind of credential — none, wrong, the admin key, a read-only server key, a user token for
 * the user asked about and one for somebody else. Deterministic for a seed.
 *
 * The oracle of a fuzz run is the API's contract, not this generator: no answer is ever a 5xx,
 * and every 4xx is JSON with a string `error.code`.
 */
import { createRng, type Rng } from "../shared/math/random";

/** Which credential a request carries; the runner turns the label into a header. */
export type CredentialLabel = "none" | "wrong" | "garbage" | "admin" | "server_read" | "user_self" | "user_other";

/** One generated request. */
export interface HostileRequest {
  method: string;
  /** Path and query, already percent-encoded where needed. */
  path: string;
  headers: Record<string, string>;
  /** A body sent whole, or in chunks without a content-length (chunked), or none. */
  body: { kind: "none" } | { kind: "whole"; text: string } | { kind: "chunked"; chunks: string[] };
  credential: CredentialLabel;
  /** The user id the request is about, for `user_self` tokens. */
  userId: string;
  /** A client IP the runner may send as `cf-connecting-ip`. */
  ip: string;
}

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];
const EVENT_TYPES = ["click", "like", "purchase", "impression", "hide", "not_interested", "teleport", "", "CLICK"];

function pick<T>(rng: Rng, values: readonly T[]): T {
  return values[rng.int(values.length)]!;
}

/** An id: usually plausible, often hostile. */
function hostileId(rng: Rng): string {
  return pick(rng, [
    () => `u${String(rng.int(3000)).padStart(5, "0")}`,
    () => `i${String(rng.int(6000)).padStart(5, "0")}`,
    () => "x".repeat(65 + rng.int(2000)),
    () => "",
    () => "../../etc/passwd",
    () => "%00",
    () => "a b",
    () => "😀😀",
    () => "<script>",
    () => "'; DROP TABLE events; --",
    () => String(rng.next()),
    () => "__proto__",
    () => "constructor",
    () => "%E0%A4%A",
  ])();
}

function hostileNumber(rng: Rng): unknown {
  return pick(rng, [
    0,
    -1,
    1,
    10,
    101,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    1.5,
    Number.MAX_SAFE_INTEGER,
    "10",
    "NaN",
    null,
    true,
    [],
    {},
    "1e3",
  ]);
}

function hostileQueryValue(rng: Rng): string {
  return pick(rng, [
    "",
    "10",
    "-5",
    "0",
    "1e309",
    "NaN",
    "abc",
    "home",
    "more_like_this",
    "email",
    "%",
    "%ZZ",
    "x".repeat(3000),
    "1&n=2",
    "[]",
  ]);
}

function nested(depth: number): string {
  return "[".repeat(depth) + "]".repeat(depth);
}

/** A hostile event object. */
function hostileEvent(rng: Rng, userId: string): unknown {
  const event: Record<string, unknown> = {
    event_id: rng.next() < 0.8 ? `fz-${rng.int(1e9)}` : hostileId(rng),
    user_id: rng.next() < 0.7 ? userId : hostileId(rng),
    item_id: rng.next() < 0.7 ? `i${String(rng.int(6000)).padStart(5, "0")}` : hostileId(rng),
    type: pick(rng, EVENT_TYPES),
  };
  if (rng.next() < 0.3) event.ts = pick(rng, [Date.now() + 60 * 86_400_000, 0, -1, 1e20, "now", Date.now(), Date.now() - 400 * 86_400_000]);
  if (rng.next() < 0.2) event.value = hostileNumber(rng);
  if (rng.next() < 0.2) event.request_id = pick(rng, ["req-made-up", "", "x".repeat(100), 42]);
  if (rng.next() < 0.1) event.position = hostileNumber(rng);
  if (rng.next() < 0.1)
    event.context = pick(rng, [{ surface: "home" }, { surface: "mars" }, "ctx", { device: "x".repeat(100) }, { extra: 1 }]);
  if (rng.next() < 0.05) event.unexpected = "field";
  if (rng.next() < 0.05) delete event.event_id;
  return event;
}

/** A hostile JSON (or not) body for a route that reads one. */
function hostileBody(rng: Rng, route: string, userId: string): string {
  const roll = rng.next();
  if (roll < 0.08) return "{not json";
  if (roll < 0.12) return nested(50_000);
  if (roll < 0.15) return JSON.stringify({ events: Array.from({ length: 501 }, () => hostileEvent(rng, userId)) });
  if (roll < 0.18) return "x".repeat(1_100_000);
  if (roll < 0.22) return pick(rng, ["null", "[]", "0", '"text"', "true", "{}"]);
  switch (route) {
    case "events":
      return JSON.stringify(
        rng.next() < 0.5 ? hostileEvent(rng, userId) : { events: Array.from({ length: 1 + rng.int(20) }, () => hostileEvent(rng, userId)) },
      );
    case "preferences":
      return JSON.stringify({
        categories: rng.next() < 0.7 ? ["Drama", "Comedy"].slice(0, rng.int(3)) : Array.from({ length: 30 }, () => hostileId(rng)),
        ...(rng.next() < 0.5
          ? { demographics: { age_bucket: hostileQueryValue(rng), gender: pick(rng, ["f", "", 1, "x".repeat(40)]) } }
          : {}),
      });
    case "status":
      return JSON.stringify(pick(rng, [{ unsafe: true }, { available: "yes" }, {}, { unsafe: false, available: true }, { blocked: true }]));
    case "item":
      return JSON.stringify({
        title: pick(rng, ["T", "x".repeat(600), 5]),
        genres: pick(rng, [["Drama"], [], ["x".repeat(100)], "Drama"]),
        ...(rng.next() < 0.5 ? { year: hostileNumber(rng) } : {}),
        ...(rng.next() < 0.3 ? { values: Array.from({ length: rng.int(40) }, () => hostileNumber(rng)) } : {}),
      });
    case "index":
      return JSON.stringify({
        dimensions: hostileNumber(rng),
        metric: pick(rng, ["cosine", "l2", 5]),
        metadata_indexes: pick(rng, [{}, { a: "date" }, []]),
      });
    case "vectors":
      return Array.from({ length: 1 + rng.int(3) }, () =>
        pick(rng, ['{"id":"v1","values":[1,2]}', "{bad", '{"id":5}', '{"id":"v2","values":["a"]}']),
      ).join("\n");
    case "keys":
      return JSON.stringify(
        pick(rng, [
          { name: "fz", scopes: ["recommendations:read"] },
          { name: "", scopes: [] },
          { name: "x", scopes: ["root"] },
          { scopes: "admin" },
        ]),
      );
    case "digests":
      return JSON.stringify({ user_ids: Array.from({ length: rng.int(120) }, () => hostileId(rng)), n: hostileNumber(rng) });
    case "ids":
      return JSON.stringify({ ids: pick(rng, [[], ["a"], "a", Array.from({ length: 1001 }, (_, i) => `i${i}`)]) });
    default:
      return JSON.stringify({ anything: hostileId(rng) });
  }
}

/** The routes, each with its usual method and the kind of body it reads. */
function hostileRoute(rng: Rng, userId: string): { method: string; path: string; bodyRoute?: string } {
  const item = rng.next() < 0.7 ? `i${String(rng.int(6000)).padStart(5, "0")}` : encodeURIComponent(hostileId(rng));
  const user = rng.next() < 0.8 ? encodeURIComponent(userId) : encodeURIComponent(hostileId(rng));
  const q = () => encodeURIComponent(hostileQueryValue(rng));
  return pick(rng, [
    () => ({
      method: "GET",
      path: `/v1/recommendations?user_id=${user}&n=${q()}${rng.next() < 0.3 ? `&surface=${q()}` : ""}${rng.next() < 0.2 ? `&item_id=${item}` : ""}${rng.next() < 0.1 ? `&device=${q()}` : ""}`,
    }),
    () => ({ method: "GET", path: `/v1/recommendations?${rng.next() < 0.5 ? "" : `user_id=${user}&user_id=${user}`}` }),
    () => ({ method: "POST", path: "/v1/events", bodyRoute: "events" }),
    () => ({ method: "GET", path: `/v1/items/${item}/similar?n=${q()}` }),
    () => ({ method: "PUT", path: `/v1/items/${item}`, bodyRoute: "item" }),
    () => ({ method: "DELETE", path: `/v1/items/${item}` }),
    () => ({ method: "PUT", path: `/v1/items/${item}/status`, bodyRoute: "status" }),
    () => ({ method: "GET", path: `/v1/items/${item}/status` }),
    () => ({ method: "GET", path: `/v1/trending?n=${q()}${rng.next() < 0.5 ? `&category=${q()}` : ""}` }),
    () => ({ method: "POST", path: "/v1/trending/flush" }),
    () => ({ method: "PUT", path: `/v1/users/${user}/preferences`, bodyRoute: "preferences" }),
    () => ({ method: "GET", path: `/v1/users/${user}/state` }),
    () => ({ method: "DELETE", path: `/v1/users/${user}` }),
    () => ({ method: "GET", path: "/v1/admin/index" }),
    () => ({ method: "PUT", path: "/v1/admin/index", bodyRoute: "index" }),
    () => ({ method: "PUT", path: "/v1/admin/index/version", bodyRoute: "version" }),
    () => ({ method: "POST", path: "/v1/admin/index/vectors", bodyRoute: "vectors" }),
    () => ({ method: "POST", path: "/v1/admin/index/delete", bodyRoute: "ids" }),
    () => ({ method: "POST", path: "/v1/admin/digests", bodyRoute: "digests" }),
    () => ({ method: "GET", path: `/v1/admin/experiments${rng.next() < 0.5 ? `/${encodeURIComponent(hostileId(rng))}` : ""}` }),
    () => ({ method: "GET", path: `/v1/admin/users/${user}/session` }),
    () => ({ method: "POST", path: "/v1/admin/keys", bodyRoute: "keys" }),
    () => ({ method: "GET", path: "/v1/admin/keys" }),
    () => ({ method: "DELETE", path: `/v1/admin/keys/${encodeURIComponent(hostileId(rng))}` }),
    () => ({
      method: "GET",
      path: pick(rng, ["/v1", "/v1/", "/", "/v2/recommendations", "/v1/recommendations/extra", "/v1//events", "/healthz?x=%"]),
    }),
  ])();
}

/** `count` hostile requests for `seed`; `users` are the ids tokens may be minted for. */
export function hostileRequests(seed: number, count: number): HostileRequest[] {
  const rng = createRng(seed);
  const requests: HostileRequest[] = [];
  for (let i = 0; i < count; i++) {
    const userId = `fz-user-${rng.int(40)}`;
    const route = hostileRoute(rng, userId);
    const method = rng.next() < 0.85 ? route.method : pick(rng, METHODS);
    const credential = pick(rng, [
      "none",
      "wrong",
      "garbage",
      "admin",
      "admin",
      "server_read",
      "user_self",
      "user_self",
      "user_other",
    ] as const);
    const headers: Record<string, string> = {};
    if (rng.next() < 0.9)
      headers["content-type"] = pick(rng, [
        "application/json",
        "application/json",
        "text/plain",
        "application/x-ndjson",
        "multipart/form-data",
        "application/json; charset=utf-16",
      ]);
    if (rng.next() < 0.1) headers["x-request-id"] = pick(rng, ["dup-request-id", "x".repeat(200), "short", "bad id!"]);
    let body: HostileRequest["body"] = { kind: "none" };
    if (method !== "GET" && method !== "HEAD" && (route.bodyRoute !== undefined || rng.next() < 0.3)) {
      const text = hostileBody(rng, route.bodyRoute ?? "", userId);
      body = rng.next() < 0.2 ? { kind: "chunked", chunks: chunk(text, 1 + rng.int(8)) } : { kind: "whole", text };
    }
    requests.push({ method, path: route.path, headers, body, credential, userId, ip: `198.18.${rng.int(4)}.${rng.int(250)}` });
  }
  return requests;
}

function chunk(text: string, parts: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / parts));
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return chunks.length > 0 ? chunks : [""];
}

/** What a fuzz run found: the contract is `serverErrors = 0` and `nonJsonErrors = 0`. */
export interface FuzzFindings {
  requests: number;
  byStatus: Record<string, number>;
  serverErrors: { request: Omit<HostileRequest, "body"> & { bodyPreview: string }; status: number; body: string }[];
  nonJsonErrors: { request: Omit<HostileRequest, "body"> & { bodyPreview: string }; status: number; body: string }[];
}

/** Checks one answer against the contract and adds it to `findings`. */
export function recordFuzzAnswer(findings: FuzzFindings, request: HostileRequest, status: number, text: string): void {
  findings.requests++;
  findings.byStatus[String(status)] = (findings.byStatus[String(status)] ?? 0) + 1;
  const { body, ...rest } = request;
  const preview = body.kind === "none" ? "" : (body.kind === "whole" ? body.text : body.chunks.join("")).slice(0, 200);
  const entry = { request: { ...rest, bodyPreview: preview }, status, body: text.slice(0, 300) };
  if (status >= 500) findings.serverErrors.push(entry);
  else if (status >= 400 && request.method !== "HEAD") {
    let code: unknown;
    try {
      code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
    } catch {
      code = undefined;
    }
    if (typeof code !== "string") findings.nonJsonErrors.push(entry);
  }
}

/** Empty findings. */
export function emptyFuzzFindings(): FuzzFindings {
  return { requests: 0, byStatus: {}, serverErrors: [], nonJsonErrors: [] };
}

/** The credentials a fuzz run sends, by label. */
export interface FuzzCredentials {
  /** What "admin"-labelled requests carry. */
  admin: string;
  /** A read-only server key. */
  serverRead: string;
  /** A user token for `userId`. */
  userToken(userId: string): Promise<string>;
}

/** The `authorization` header of a request labelled `label`, or undefined for none. */
export async function authorizationFor(label: CredentialLabel, userId: string, credentials: FuzzCredentials): Promise<string | undefined> {
  switch (label) {
    case "none":
      return undefined;
    case "wrong":
      return "Bearer not-a-real-key-0123456789";
    case "garbage":
      return `Bearer ${userId}.e30.`;
    case "admin":
      return `Bearer ${credentials.admin}`;
    case "server_read":
      return `Bearer ${credentials.serverRead}`;
    case "user_self":
      return `Bearer ${await credentials.userToken(userId)}`;
    case "user_other":
      return `Bearer ${await credentials.userToken("fz-someone-else")}`;
  }
}

/** The fetch init of `request` with `authorization` (a chunked body becomes a stream without a length). */
export function hostileRequestInit(request: HostileRequest, authorization: string | undefined): RequestInit & { duplex?: "half" } {
  const headers = new Headers(request.headers);
  if (authorization) headers.set("authorization", authorization);
  headers.set("cf-connecting-ip", request.ip);
  let body: BodyInit | null = null;
  if (request.body.kind === "whole") body = request.body.text;
  if (request.body.kind === "chunked") {
    const chunks = request.body.chunks.map((chunk) => new TextEncoder().encode(chunk));
    body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
  }
  return { method: request.method, headers, body, ...(request.body.kind === "chunked" ? { duplex: "half" as const } : {}) };
}

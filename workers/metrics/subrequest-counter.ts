/**
 * Counts the subrequests one request makes: every call through a binding of its `env` (a KV read
 * or write, a Durable Object RPC call or fetch, an R2 or Vectorize operation, a rate-limit check)
 * and every `fetch` made with {@link subrequestFetch} (the ranking sidecar). The Worker wraps each
 * request's env once (app.ts); `GET /v1/recommendations` reports the count in
 * `timings_ms.subrequests`, so the cost of a change to the request path is visible per request and
 * in `npm run bench -- request-cost`. Values served from the isolate cache (store/isolate-cache.ts)
 * make no call and are not counted.
 *
 * The wrapping is transparent: a wrapped binding behaves as the original, and the isolate cache
 * recognises it as the same binding ({@link BINDING_TARGET}).
 */
import { BINDING_TARGET } from "../store/isolate-cache";

const COUNTER = Symbol("subrequest counter");

/** Subrequests made so far through one request's env, by binding name (`fetch` for sidecar calls). */
export class SubrequestCounter {
  readonly byBinding: Record<string, number> = {};
  total = 0;

  add(binding: string): void {
    this.total++;
    this.byBinding[binding] = (this.byBinding[binding] ?? 0) + 1;
  }
}

/** Methods that are the binding's own calls for each kind of binding (anything else passes through uncounted). */
function isDurableObjectNamespace(value: object): boolean {
  return "idFromName" in value && "getByName" in value;
}

function isKvOrR2OrVectorize(value: object): boolean {
  return ("get" in value && "put" in value && "list" in value) || ("query" in value && "getByIds" in value && "upsert" in value);
}

function isRateLimiter(value: object): boolean {
  return "limit" in value && typeof (value as { limit: unknown }).limit === "function";
}

/** Wraps `target` so each method call counts one subrequest against `name` (each method wrapped once). */
function countCalls<T extends object>(target: T, name: string, counter: SubrequestCounter): T {
  const wrappers = new Map<string, unknown>();
  return new Proxy(target, {
    get(object, property) {
      if (property === BINDING_TARGET) return (object as Record<symbol, unknown>)[BINDING_TARGET] ?? object;
      const value = Reflect.get(object, property, object);
      if (typeof value !== "function" || typeof property === "symbol" || property === "then") return value;
      let wrapper = wrappers.get(property);
      if (!wrapper) {
        wrapper = (...args: unknown[]) => {
          counter.add(name);
          return Reflect.apply(value, object, args);
        };
        wrappers.set(property, wrapper);
      }
      return wrapper;
    },
  });
}

/** Wraps a Durable Object namespace: each stub it hands out counts its calls. */
function countStubCalls<T extends object>(namespace: T, name: string, counter: SubrequestCounter): T {
  return new Proxy(namespace, {
    get(object, property) {
      if (property === BINDING_TARGET) return (object as Record<symbol, unknown>)[BINDING_TARGET] ?? object;
      const value = Reflect.get(object, property, object);
      if (typeof value !== "function" || (property !== "get" && property !== "getByName")) {
        return typeof value === "function" ? value.bind(object) : value;
      }
      return (...args: unknown[]) => countCalls(Reflect.apply(value, object, args) as object, name, counter);
    },
  });
}

/**
 * `env` with every binding counting its calls into a new counter; vars and secrets pass through.
 *
 * @example
 * const counted = countSubrequests(env);
 * await counted.KV.get("popular:all");
 * subrequestsOf(counted)?.total; // 1
 */
export function countSubrequests<E extends object>(env: E): E {
  const counter = new SubrequestCounter();
  const wrapped: Record<string | symbol, unknown> = { [COUNTER]: counter };
  for (const [name, value] of Object.entries(env)) {
    if (value === null || typeof value !== "object") wrapped[name] = value;
    else if (isDurableObjectNamespace(value)) wrapped[name] = countStubCalls(value, name, counter);
    else if (isKvOrR2OrVectorize(value) || isRateLimiter(value)) wrapped[name] = countCalls(value, name, counter);
    else wrapped[name] = value;
  }
  return wrapped as E;
}

/** The counter of an env made by {@link countSubrequests}; undefined for a plain env. */
export function subrequestsOf(env: object): SubrequestCounter | undefined {
  return (env as Record<symbol, SubrequestCounter | undefined>)[COUNTER];
}

/** A `fetch` that counts against `env`'s counter (under `name`), or the global fetch for a plain env. */
export function subrequestFetch(env: object, name = "fetch"): typeof fetch {
  const counter = subrequestsOf(env);
  if (!counter) return fetch;
  return (input, init) => {
    counter.add(name);
    return fetch(input, init);
  };
}

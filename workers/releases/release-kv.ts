/**
 * A release's view of the KV namespace: reads and writes of release-scoped keys
 * (shared/artifacts/release.ts: `manifest`, `popular:*`, `user:*`, `model:*`, `ranker:*`) go to
 * `rel/<id>/<key>`; every other key (trending, catalogue, credentials, the pointer) passes through.
 * The code that reads KV is unchanged — it is handed this view for the request's release — and the
 * isolate cache keeps each release's values apart (KEY_MAPPER) while sharing the other keys.
 */
import { releaseKey, releaseKeyPrefix } from "../../shared/artifacts/release";
import { BINDING_TARGET, bindingOf, KEY_MAPPER } from "../store/isolate-cache";

const views = new WeakMap<object, Map<string, KVNamespace>>();

/** `kv` as release `id` sees it (one view per binding and release, reused across requests). */
export function releaseKv(kv: KVNamespace, id: string): KVNamespace {
  let byRelease = views.get(kv);
  if (!byRelease) {
    byRelease = new Map();
    views.set(kv, byRelease);
  }
  let view = byRelease.get(id);
  if (!view) {
    view = createView(kv, id);
    byRelease.set(id, view);
  }
  return view;
}

function createView(kv: KVNamespace, id: string): KVNamespace {
  const map = (key: string) => releaseKey(id, key);
  // A value derived from a key (`<key>#derived`, store/kv-store.ts) belongs where its key does:
  // `manifest#derived` (the release's event weights) is the release's, like `manifest`.
  const cacheKey = (key: string) => {
    const hash = key.indexOf("#");
    return hash < 0 ? map(key) : `${map(key.slice(0, hash))}${key.slice(hash)}`;
  };
  const prefix = releaseKeyPrefix(id);
  const methods: Record<string, unknown> = {
    get: (key: string | string[], options?: unknown) =>
      Array.isArray(key)
        ? (kv.get as (keys: string[], options?: unknown) => Promise<Map<string, unknown>>)(key.map(map), options).then(
            (found) => new Map(key.map((k) => [k, found.get(map(k)) ?? null])),
          )
        : (kv.get as (key: string, options?: unknown) => Promise<unknown>)(map(key), options),
    getWithMetadata: (key: string, options?: unknown) =>
      (kv.getWithMetadata as (key: string, options?: unknown) => Promise<unknown>)(map(key), options),
    put: (key: string, value: unknown, options?: KVNamespacePutOptions) => kv.put(map(key), value as string, options),
    delete: (key: string) => kv.delete(map(key)),
    list: async (options: KVNamespaceListOptions = {}) => {
      const wanted = options.prefix;
      if (wanted === undefined || wanted === null || map(wanted) === wanted) return kv.list(options);
      const page = await kv.list({ ...options, prefix: map(wanted) });
      return { ...page, keys: page.keys.map((entry) => ({ ...entry, name: entry.name.slice(prefix.length) })) };
    },
  };
  return new Proxy(kv, {
    get(target, property) {
      if (property === BINDING_TARGET) return bindingOf(target);
      if (property === KEY_MAPPER) return cacheKey;
      if (typeof property === "string" && Object.hasOwn(methods, property)) return methods[property];
      return Reflect.get(target, property, target);
    },
  });
}

/**
 * Picks the vector index the Worker queries, from `VECTOR_INDEX_BACKEND`: "vectorize" (the
 * production bindings: the serving release's slot, vectorize-slots.ts) or "embedded" (the `EmbeddedVectorIndex` Durable Object, for local dev,
 * tests and small catalogues). Both report failures as `VectorIndexError`: `kind === "caller"`
 * → 4xx, `kind === "backend"` → fall back to item-to-item lists and trending.
 */
import type { VectorIndex } from "../../shared/vector-index/vector-index";
import { VectorIndexError } from "../../shared/vector-index/vector-index-error";
import { embeddedIndexName } from "../../shared/artifacts/release";
import { releaseOf } from "../releases/serving-release";
import { scopedBinding } from "../store/isolate-cache";
import { CachedVectorIndex } from "./cached-vector-index";
import { EMBEDDED_INDEX_NAME, EmbeddedVectorIndexClient } from "./embedded";
import { VectorizeVectorIndex, type VectorizeVectorIndexOptions } from "./vectorize";
import { servingVectorizeSlot, type VectorizeSlotTarget, vectorizeSlotBinding } from "./vectorize-slots";

/** The accepted values of `VECTOR_INDEX_BACKEND`. */
export type VectorIndexBackend = "vectorize" | "embedded";

/** Options of `selectVectorIndex`. */
export interface SelectVectorIndexOptions {
  /** What the Vectorize adapter should check locally (dimensions, metadata indexes). */
  vectorize?: VectorizeVectorIndexOptions;
  /**
   * Durable Object name of the embedded index (default: the serving release's,
   * `items@<release>`, when the env was made for a release; else "items").
   */
  embeddedName?: string;
  /**
   * The Vectorize slot and namespace to use (default: the serving release's, from the pointer;
   * none — the `VECTORIZE` binding, unscoped — before any release was published to a slot).
   */
  vectorizeSlot?: VectorizeSlotTarget;
}

/** Each backend, with item vectors fetched by id kept in the isolate (cached-vector-index.ts). */
const BACKENDS: Record<VectorIndexBackend, (env: Env, options: SelectVectorIndexOptions) => VectorIndex> = {
  vectorize: (env, options) => {
    const target = options.vectorizeSlot ?? servingVectorizeSlot(env);
    if (!target) return new CachedVectorIndex(new VectorizeVectorIndex(env.VECTORIZE, options.vectorize), env.VECTORIZE);
    const binding = vectorizeSlotBinding(env, target.slot);
    // Each release's namespace keeps its own cached vectors and answers.
    return new CachedVectorIndex(
      new VectorizeVectorIndex(binding, { ...options.vectorize, namespace: target.namespace }),
      scopedBinding(binding, target.namespace),
    );
  },
  embedded: (env, options) => {
    const name = options.embeddedName ?? servingEmbeddedIndexName(env);
    // Each named index (one per release) keeps its own cached vectors and answers.
    const cacheBinding = name === EMBEDDED_INDEX_NAME ? env.EMBEDDED_INDEX : scopedBinding(env.EMBEDDED_INDEX, name);
    return new CachedVectorIndex(new EmbeddedVectorIndexClient(env.EMBEDDED_INDEX, name), cacheBinding);
  },
};

/** The embedded index `env` serves from: its release's (`items@<release>`), else the default "items". */
export function servingEmbeddedIndexName(env: Env): string {
  const release = releaseOf(env);
  return release ? embeddedIndexName(release.id) : EMBEDDED_INDEX_NAME;
}

/**
 * The vector index selected by `env.VECTOR_INDEX_BACKEND`.
 * @throws VectorIndexError `misconfigured` for any other value (a deploy mistake; the Worker
 * should fall back and log it loudly).
 * @example const index = selectVectorIndex(c.env);
 */
export function selectVectorIndex(env: Env, options: SelectVectorIndexOptions = {}): VectorIndex {
  const backend = env.VECTOR_INDEX_BACKEND;
  if (!Object.hasOwn(BACKENDS, backend)) {
    throw new VectorIndexError(
      "misconfigured",
      `VECTOR_INDEX_BACKEND must be one of ${Object.keys(BACKENDS)
        .map((name) => `"${name}"`)
        .join(", ")}; ` + `got ${JSON.stringify(backend)}`,
    );
  }
  return BACKENDS[backend as VectorIndexBackend](env, options);
}

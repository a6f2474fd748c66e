/**
 * The Vectorize indexes releases are uploaded to (VECTORIZE_SLOTS: binding names, in order of
 * preference) and how one request finds its release's: the slot the release pointer records for
 * it (shared/artifacts/release.ts, `vector_slots`), searched in the release's namespace.
 */
import type { VectorizeBinding } from "./vectorize";
import { VectorIndexError } from "../../shared/vector-index/vector-index-error";
import { releaseOf } from "../releases/serving-release";

/** One release's place in Vectorize: the slot's binding name and the namespace its vectors carry. */
export interface VectorizeSlotTarget {
  slot: string;
  namespace: string;
}

/** The slot binding names VECTORIZE_SLOTS lists (default: the single `VECTORIZE`). */
export function vectorizeSlotNames(env: Env): string[] {
  const names = (env.VECTORIZE_SLOTS ?? "VECTORIZE")
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  return names.length > 0 ? [...new Set(names)] : ["VECTORIZE"];
}

/**
 * The Vectorize binding named `slot`.
 * @throws VectorIndexError `misconfigured` when VECTORIZE_SLOTS does not list it or the Worker has
 * no such binding (a deploy mistake: wrangler.toml and VECTORIZE_SLOTS disagree).
 */
export function vectorizeSlotBinding(env: Env, slot: string): VectorizeBinding {
  if (!vectorizeSlotNames(env).includes(slot)) {
    throw new VectorIndexError("misconfigured", `Vectorize slot ${slot} is not listed in VECTORIZE_SLOTS (${env.VECTORIZE_SLOTS})`);
  }
  const binding = (env as unknown as Record<string, unknown>)[slot] as Partial<VectorizeBinding> | undefined;
  if (typeof binding?.query !== "function") {
    throw new VectorIndexError("misconfigured", `VECTORIZE_SLOTS names ${slot}, but the Worker has no Vectorize binding of that name`);
  }
  return binding as VectorizeBinding;
}

/** Where the release `env` serves keeps its vectors, or null (no release, or one published before slots). */
export function servingVectorizeSlot(env: Env): VectorizeSlotTarget | null {
  const release = releaseOf(env);
  const slot = release?.pointer.vector_slots[release.id];
  return release && slot ? { slot, namespace: release.id } : null;
}

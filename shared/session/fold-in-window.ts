/**
 * The fold-in window → session vector step: which items of the window (the newest
 * USER_SESSION_LIMITS.foldInItems items with a signal) need their trained vector looked up, what is
 * stored for a looked-up vector, and the session vector folded in from the window's vectors and
 * the user's preferred onboarding categories.
 */
import type { FoldInModel } from "../realtime/fold-in-model";
import type { FoldInInteraction } from "../realtime/fold-in-user-vector";
import { sessionVector } from "../realtime/session-vector";
import type { CachedSessionVector } from "./session-contract";
import { USER_SESSION_LIMITS } from "./user-session-limits";

/** One item of the fold-in window with its net weight and its cached vector (if any). */
export type FoldInWindowRow = {
  item_id: string;
  /** positive − negative weight. */
  net: number;
  /** Model version of the cached vector, null when none is cached. */
  vector_version: string | null;
  /** float32 vector; empty = the item is not in the index. */
  vector: ArrayBuffer | null;
};

/** The window's items whose cached vector is missing or from another model version. */
export function itemsWithoutVector(window: readonly FoldInWindowRow[], version: string): string[] {
  return window.filter((row) => row.vector_version !== version).map((row) => row.item_id);
}

/**
 * What to cache for an item's looked-up vector: its float32 bytes, or an empty buffer when the item
 * is not in the index or its vector does not fit the model's dimensions.
 */
export function storableItemVector(values: readonly number[] | undefined, model: FoldInModel | null): ArrayBuffer {
  return values && (!model || values.length === model.dimensions) ? new Float32Array(values).buffer : new ArrayBuffer(0);
}

/**
 * The session vector of the window (items with a vector of `version` and a non-zero net weight)
 * and the preferred categories (each a pseudo-item of weight `preferenceWeight`), as the object
 * caches it; null without a positive interaction.
 */
export function foldInWindowVector(
  window: readonly FoldInWindowRow[],
  preferredCategories: readonly string[],
  model: FoldInModel | null,
  version: string,
  now: number,
): CachedSessionVector | null {
  const interactions: FoldInInteraction[] = [];
  for (const row of window) {
    if (row.vector_version !== version || !row.vector || row.vector.byteLength === 0 || row.net === 0) continue;
    interactions.push({ vector: new Float32Array(row.vector), weight: row.net });
  }
  for (const category of preferredCategories) {
    const vector = model?.categoryVectors?.[category];
    if (vector) interactions.push({ vector, weight: USER_SESSION_LIMITS.preferenceWeight });
  }
  const computed = sessionVector(interactions, model);
  return computed ? { ...computed, modelVersion: version, computedAt: now, items: interactions.length } : null;
}

/**
 * Which items an item–item model with a dense items² state (EASE) is fitted on when the catalogue
 * is too large for it: the items with enough training support (distinct users), and of those at
 * most `maxItems`, the best supported first. The rest is left to the other models of a blend —
 * EASE's shrinkage already scores an item with a handful of interactions close to zero.
 */
import type { InteractionMatrix } from "../data/interaction-matrix";

/** Options of {@link supportedItems}. */
export interface SupportedItemsOptions {
  /** Fewest distinct training users an item needs (values below 1 count as 1). */
  minSupport: number;
  /** Most items kept; when more are supported, the best supported win (ties: lower index). */
  maxItems: number;
}

/**
 * The ascending item indices of `interactions` that meet {@link SupportedItemsOptions}, or null
 * when every item of the catalogue does (the model then covers the whole catalogue, unchanged).
 * @example
 * // support per item [3, 0, 5, 1]
 * supportedItems(matrix, { minSupport: 1, maxItems: 2 }); // Int32Array [0, 2]
 */
export function supportedItems(interactions: InteractionMatrix, options: SupportedItemsOptions): Int32Array | null {
  const support = itemSupport(interactions);
  const threshold = Math.max(1, options.minSupport);
  const maxItems = Math.max(0, Math.floor(options.maxItems));
  let eligible: number[] = [];
  for (let i = 0; i < support.length; i++) if (support[i]! >= threshold) eligible.push(i);
  if (eligible.length === support.length && eligible.length <= maxItems) return null;
  if (eligible.length > maxItems) {
    eligible = eligible
      .sort((a, b) => support[b]! - support[a]! || a - b)
      .slice(0, maxItems)
      .sort((a, b) => a - b);
  }
  return Int32Array.from(eligible);
}

/** Distinct users per item (non-zero entries per column). */
export function itemSupport(interactions: InteractionMatrix): Int32Array {
  const support = new Int32Array(interactions.cols);
  for (let a = 0; a < interactions.indptr[interactions.rows]!; a++) support[interactions.indices[a]!]!++;
  return support;
}

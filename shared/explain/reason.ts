/**
 * Explanations: every recommended item carries a reason a person can read, derived only from how
 * the item was found, so it is truthful by construction (test/unit/shared/reason.test.ts checks
 * each reason against the source that produced the item).
 */
import { dot } from "../math/vector";

/** Machine-readable reason codes. */
export type ReasonCode =
  | "because_you_watched"
  | "similar_to"
  | "trending_in_category"
  | "new_in_category"
  | "exploring_category"
  | "preferred_category"
  | "popular"
  | "picked_for_you";

/** A reason attached to one item. */
export interface Reason {
  code: ReasonCode;
  /** The sentence shown to people. */
  text: string;
  /** The interacted (or seed) item behind "because you watched" / "similar to". */
  item_id?: string;
  category?: string;
}

/** An item the user interacted with, which can explain ANN results. */
export interface ReasonAnchor {
  itemId: string;
  title?: string;
  vector: readonly number[];
  /** How strongly the user engaged with it (confidence weight); scales its contribution. */
  weight: number;
}

/** What the explainer knows about one recommended item. */
export interface ExplainInput {
  source: "ann" | "popular" | "similar" | "session_similar" | "preferred" | "trending" | "fresh" | "exploration";
  category?: string;
  /** The item's embedding (for "because you watched"). */
  vector?: readonly number[];
  /** For `similar`: the seed item. */
  seed?: { itemId: string; title?: string };
  /** For `session_similar`: the recently interacted item whose neighbour it is. */
  anchor?: { itemId: string; title?: string };
}

/**
 * The anchor that contributes most to an ANN item's score: under the (folded-in) user vector the
 * score decomposes over the user's interacted items as Σ wⱼ·(yⱼ·yᵢ) in the item–item view, so the
 * anchor with the largest wⱼ·(yⱼ·yᵢ) is the one that pulled the item in.
 */
export function strongestAnchor(vector: readonly number[], anchors: readonly ReasonAnchor[]): ReasonAnchor | undefined {
  let best: ReasonAnchor | undefined;
  let bestContribution = 0;
  for (const anchor of anchors) {
    if (anchor.vector.length !== vector.length) continue;
    const contribution = anchor.weight * dot(anchor.vector, vector);
    if (contribution > bestContribution) {
      bestContribution = contribution;
      best = anchor;
    }
  }
  return best;
}

const name = (item: { itemId: string; title?: string }) => item.title ?? item.itemId;

/** The reason for one item. */
export function explain(input: ExplainInput, anchors: readonly ReasonAnchor[]): Reason {
  const category = input.category;
  switch (input.source) {
    case "ann": {
      const anchor = input.vector ? strongestAnchor(input.vector, anchors) : undefined;
      return anchor
        ? { code: "because_you_watched", text: `Because you watched ${name(anchor)}`, item_id: anchor.itemId }
        : { code: "picked_for_you", text: "Picked for you" };
    }
    case "session_similar":
      return input.anchor
        ? { code: "because_you_watched", text: `Because you watched ${name(input.anchor)}`, item_id: input.anchor.itemId }
        : { code: "picked_for_you", text: "Picked for you" };
    case "similar":
      return input.seed
        ? { code: "similar_to", text: `More like ${name(input.seed)}`, item_id: input.seed.itemId }
        : { code: "picked_for_you", text: "Picked for you" };
    case "preferred":
      return category
        ? { code: "preferred_category", text: `Because you like ${category}`, category }
        : { code: "popular", text: "Popular right now" };
    case "trending":
      return category
        ? { code: "trending_in_category", text: `Trending in ${category}`, category }
        : { code: "popular", text: "Popular right now" };
    case "fresh":
      return category ? { code: "new_in_category", text: `New in ${category}`, category } : { code: "popular", text: "New" };
    case "exploration":
      return category
        ? { code: "exploring_category", text: `Exploring ${category}`, category }
        : { code: "popular", text: "Something different" };
    case "popular":
      return { code: "popular", text: "Popular", ...(category ? { category } : {}) };
  }
}

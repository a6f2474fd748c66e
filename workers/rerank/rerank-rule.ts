/**
 * A re-ranking rule: one unit that takes the ranked list and returns it re-ordered (never adding
 * items; dropping only when the rule's purpose is to remove). Rules are composed by name from the
 * serving configuration, in order (`buildRerankRules` in rerank-pipeline.ts).
 */
import type { RankedItem } from "../../shared/rerank/ranked-item";

/** What every rule may read about the request. */
export interface RerankContext {
  /** Request time, seconds since epoch. */
  nowSeconds: number;
}

/** One configured rule, ready to apply. */
export interface RerankRule {
  readonly name: string;
  apply<T extends RankedItem>(items: readonly T[], context: RerankContext): T[];
}

/**
 * Builds the ordered list of re-ranking rules a surface is configured with and applies them; the
 * rule units are platform-neutral (shared/rerank/: mmr, cap-in-window, fresh-boost).
 * Every rule name in config maps to exactly one implementation here (a `Record`, so the compiler
 * catches a rule without one).
 */
import { capInWindow } from "../../shared/rerank/cap-in-window";
import { freshBoost } from "../../shared/rerank/fresh-boost";
import { mmr } from "../../shared/rerank/mmr";
import type { RankedItem } from "../../shared/rerank/ranked-item";
import type { RerankRuleConfig, RerankRuleName } from "../../shared/serving/serving-config";
import type { RerankContext, RerankRule } from "./rerank-rule";

type RuleFactory<N extends RerankRuleName> = (config: Extract<RerankRuleConfig, { rule: N }>) => RerankRule;

const RULES: { [N in RerankRuleName]: RuleFactory<N> } = {
  mmr: ({ lambda, k }) => ({ name: "mmr", apply: (items) => mmr(items, { lambda, k }) }),
  category_cap: ({ max, window }) => ({
    name: "category_cap",
    apply: (items) => capInWindow(items, { key: (item) => item.category, max, window }),
  }),
  sponsored_cap: ({ max, window }) => ({
    name: "sponsored_cap",
    apply: (items) => capInWindow(items, { key: (item) => (item.sponsored ? "sponsored" : undefined), max, window }),
  }),
  fresh_boost: ({ max_age_days, boost, budget }) => ({
    name: "fresh_boost",
    apply: (items, { nowSeconds }) => freshBoost(items, { maxAgeDays: max_age_days, boost, budget, nowSeconds }),
  }),
};

/** The rules for a configured list, in order. */
export function buildRerankRules(configs: readonly RerankRuleConfig[]): RerankRule[] {
  return configs.map((config) => (RULES[config.rule] as RuleFactory<typeof config.rule>)(config as never));
}

/** Applies `rules` in order. */
export function applyRerankRules<T extends RankedItem>(items: readonly T[], rules: readonly RerankRule[], context: RerankContext): T[] {
  return rules.reduce<T[]>((list, rule) => rule.apply(list, context), [...items]);
}

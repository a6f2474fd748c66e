/**
 * Exploration picks: for each exploration slot, Thompson sampling over the user's category arms
 * (Beta posteriors from impressions and positive events, kept in the UserSession object) chooses
 * the category, then sampling over the exploration-source arms chooses the pool (live trending or
 * fresh items) the slot is filled from; the pool's best unseen item of that category is the pick.
 * New users have no evidence, so every category draws from its prior and the picks spread out;
 * preferred onboarding categories start with a higher prior; disliked categories are skipped.
 */
import { armName, armPosterior, type BetaArm } from "../../shared/bandits/beta-arm";
import { thompsonSample } from "../../shared/bandits/thompson-sample";
import type { Rng } from "../../shared/math/random";
import type { ExplorationConfig } from "./exploration-config";
import type { Candidate, ExplorationSource, ItemFilter } from "../candidates/candidate";

/** What {@link explorationCandidates} chooses from. */
export interface ExplorationInput {
  /** How many picks to make. */
  count: number;
  /** Candidates of each pool, best first, any category. */
  pools: Partial<Record<ExplorationSource, Candidate[]>>;
  /** The user's arms (decayed evidence). */
  arms: readonly BetaArm[];
  preferredCategories: readonly string[];
  /** Category affinity; categories below `config.avoidAffinityBelow` are not explored. */
  affinity: Readonly<Record<string, number>>;
  /** Items that must not be picked (seen, hidden, blocked, already in the list). */
  exclude: ItemFilter;
  rng: Rng;
  config: ExplorationConfig;
}

/** Up to `count` picks, tagged `source: "exploration"` with the arm and pool that chose them. */
export function explorationCandidates(input: ExplorationInput): Candidate[] {
  const { config } = input;
  const evidence = new Map(input.arms.map((arm) => [arm.arm, arm]));
  const preferred = new Set(input.preferredCategories);
  const used = new Set<string>();
  const byCategory = new Map<string, Map<ExplorationSource, Candidate[]>>();
  for (const source of config.sources) {
    for (const candidate of input.pools[source] ?? []) {
      const category = candidate.category;
      if (!category || input.exclude.has(candidate.itemId)) continue;
      if ((input.affinity[category] ?? 0) < config.avoidAffinityBelow) continue;
      const pools = byCategory.get(category) ?? new Map<ExplorationSource, Candidate[]>();
      const pool = pools.get(source) ?? [];
      pool.push(candidate);
      pools.set(source, pool);
      byCategory.set(category, pools);
    }
  }
  const posterior = (arm: string, boost: number) =>
    armPosterior(evidence.get(arm) ?? { successes: 0, trials: 0 }, { alpha: config.prior.alpha + boost, beta: config.prior.beta });
  const next = (pool: Candidate[] | undefined) => pool?.find((candidate) => !used.has(candidate.itemId));

  const picks: Candidate[] = [];
  while (picks.length < input.count) {
    const categories = [...byCategory.keys()]
      .filter((category) => [...byCategory.get(category)!.values()].some((pool) => next(pool)))
      .sort();
    if (categories.length === 0) break;
    const categoryDraws = thompsonSample(
      categories.map((category) => ({
        id: category,
        ...posterior(armName("category", category), preferred.has(category) ? config.preferenceBoost : 0),
      })),
      input.rng,
    );
    const category = categoryDraws[0]!.id;
    const pools = byCategory.get(category)!;
    const sources = config.sources.filter((source) => next(pools.get(source)));
    const [sourceDraw] = thompsonSample(
      sources.map((source) => ({ id: source, ...posterior(armName("source", source), 0) })),
      input.rng,
    );
    const pick = next(pools.get(sourceDraw!.id))!;
    used.add(pick.itemId);
    picks.push({ ...pick, source: "exploration", exploration: { arm: armName("category", category), from: sourceDraw!.id } });
  }
  return picks;
}

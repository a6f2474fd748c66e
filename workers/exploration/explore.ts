/**
 * The exploration stage of the funnel: a share of the list's slots (exploration-slots.ts, never the
 * first) is filled by Thompson sampling over the user's category arms (exploration-candidates.ts)
 * from the request's live trending and fresh pools. The picks replace the same items among the
 * retrieved candidates; re-ranking later puts them at their slots.
 */
import { fnv1a } from "../../shared/math/fnv1a";
import { createRng, type Rng } from "../../shared/math/random";
import type { SessionSnapshot } from "../../shared/session/session-contract";
import { type Candidate, type ItemFilter, unionFilter } from "../candidates/candidate";
import type { CandidatePools } from "../candidates/candidate-pools";
import { explorationCandidates } from "./exploration-candidates";
import type { ExplorationConfig } from "./exploration-config";
import { explorationSlotCount } from "./exploration-slots";

/** Input of {@link explore}. */
export interface ExploreInput {
  /** The list length. */
  n: number;
  /** The retrieved candidates, best first. */
  retrieved: readonly Candidate[];
  session: SessionSnapshot;
  /** Items no pick may be (seen, hidden, unservable, the seed). */
  exclude: ItemFilter;
  config: ExplorationConfig;
  pools: CandidatePools;
  rng: Rng;
}

/** How many slots exploration gets for a list of `n` (0 means the stage does not run). */
export function explorationSlotsFor(n: number, config: ExplorationConfig): number {
  return explorationSlotCount(n, config.share);
}

/**
 * The candidates with the exploration picks: the retrieved ones (without the picked items), then
 * the picks, tagged `source: "exploration"`. Picks never repeat an item of the list's first n.
 */
export async function explore(input: ExploreInput): Promise<Candidate[]> {
  const { n, retrieved, session, config } = input;
  const slots = explorationSlotsFor(n, config);
  if (slots === 0) return [...retrieved];
  const listed = new Set(retrieved.slice(0, n).map((candidate) => candidate.itemId));
  const [trending, fresh] = await Promise.all([input.pools.trending(), input.pools.fresh()]);
  const picks = explorationCandidates({
    count: slots,
    pools: { trending, fresh },
    arms: session.arms ?? [],
    preferredCategories: session.preferredCategories ?? [],
    affinity: session.affinity ?? {},
    exclude: unionFilter(input.exclude, listed),
    rng: input.rng,
    config,
  });
  const picked = new Set(picks.map((pick) => pick.itemId));
  return [...retrieved.filter((candidate) => !picked.has(candidate.itemId)), ...picks];
}

/** A random source seeded by user and request id: a replayed request makes the same choices. */
export function explorationRng(userId: string, requestId: string): Rng {
  return createRng(fnv1a(`${userId}|${requestId}`));
}

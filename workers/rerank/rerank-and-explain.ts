/**
 * The re-rank and explain stage of the funnel: the ranked exploit list goes through the surface's
 * configured rules (rerank-pipeline.ts; the rule units live in shared/rerank/), exploration picks
 * take their slots (exploration/exploration-slots.ts), and every item gets a truthful reason
 * (shared/explain/reason.ts). Item embeddings for MMR and for "because you watched X" come from
 * one batch of `getByIds` calls (candidates/lookup-vectors.ts; those the funnel already fetched for
 * ranking features are reused); without them the rules still run and ANN items are explained as
 * "picked for you".
 */
import type { UserRecord } from "../../shared/artifacts/kv-keys";
import { DEFAULT_EVENT_WEIGHTS, type EventWeights, eventSignal } from "../../shared/events/event-weight";
import { explain, type Reason, type ReasonAnchor } from "../../shared/explain/reason";
import type { RankedItem } from "../../shared/rerank/ranked-item";
import type { VectorIndex, VectorRecord } from "../../shared/vector-index/vector-index";
import type { SessionSnapshot } from "../../shared/session/session-contract";
import type { Candidate } from "../candidates/candidate";
import { lookupVectors } from "../candidates/lookup-vectors";
import { placeExplorationSlots } from "../exploration/exploration-slots";
import type { FallbackLog } from "../fallbacks/fallback-log";
import { applyRerankRules } from "./rerank-pipeline";
import type { RerankRule } from "./rerank-rule";

/** Rules that enforce business caps; they also bind the exploration picks. */
const CAP_RULES: ReadonlySet<string> = new Set(["category_cap", "sponsored_cap"]);

/** Most interacted items considered as "because you watched" anchors. */
const MAX_ANCHORS = 20;

/** Input of {@link rerankAndExplain}. */
export interface RerankInput {
  n: number;
  candidates: readonly Candidate[];
  scores: readonly number[];
  /** Indices of non-exploration candidates, best score first. */
  exploitOrder: readonly number[];
  /** Indices of exploration picks, in pick order. */
  explorationPicks: readonly number[];
  session: SessionSnapshot;
  userRecord: UserRecord | null;
  rules: readonly RerankRule[];
  nowSeconds: number;
  index: VectorIndex;
  fallbacks: FallbackLog;
  /** For `more_like_this`: the seed item, which explains `similar` candidates. */
  seed?: { itemId: string; title?: string };
  /** Item records the funnel already looked up (not fetched again). */
  knownVectors?: ReadonlyMap<string, VectorRecord>;
  /** The serving release's event weights (which interactions can explain, and how strongly); default table when unset. */
  eventWeights?: EventWeights;
}

/** The final list (candidate indices, at most n) and each item's reason. */
export interface RerankOutput {
  order: number[];
  reasons: Map<number, Reason>;
}

/** Runs re-ranking, exploration placement and explanations. */
export async function rerankAndExplain(input: RerankInput): Promise<RerankOutput> {
  const { n, candidates, scores, exploitOrder } = input;
  const pool = exploitOrder.slice(0, Math.max(3 * n, 30));
  // Every pool item needs its embedding: MMR would otherwise treat one without it as maximally novel.
  const lookupIds = pool.map((i) => candidates[i]!.itemId);
  const anchorWeights = anchorCandidates(input.session, input.userRecord, input.eventWeights);
  const records = await lookupVectors(
    input.index,
    [...lookupIds, ...anchorWeights.keys()],
    input.fallbacks,
    { stage: "rerank", reason: "unavailable", used: "rules_without_embeddings" },
    input.knownVectors,
  );

  const rankedItem = (i: number): RankedItem & { index: number } => {
    const candidate = candidates[i]!;
    const vector = records.get(candidate.itemId)?.values;
    return {
      index: i,
      itemId: candidate.itemId,
      score: scores[i]!,
      source: candidate.source,
      ...(candidate.category !== undefined ? { category: candidate.category } : {}),
      ...(candidate.sponsored !== undefined ? { sponsored: candidate.sponsored } : {}),
      ...(candidate.releasedAt !== undefined ? { releasedAt: candidate.releasedAt } : {}),
      ...(vector ? { vector } : {}),
    };
  };
  const context = { nowSeconds: input.nowSeconds };
  const reranked = applyRerankRules(pool.map(rankedItem), input.rules, context).map((item) => item.index);
  const exploit = [...reranked, ...exploitOrder.slice(pool.length)];
  const head = placeExplorationSlots(exploit, input.explorationPicks, n);
  // Business caps bind exploration picks too: re-apply them to the placed list (a pick that would
  // break one moves past the cap's window, like any other item) before cutting to n.
  const placed = new Set(head);
  const capRules = input.rules.filter((rule) => CAP_RULES.has(rule.name));
  const merged = [...head, ...exploit.filter((i) => !placed.has(i))];
  const order = (
    capRules.length > 0 ? applyRerankRules(merged.map(rankedItem), capRules, context).map((item) => item.index) : merged
  ).slice(0, n);

  const anchors: ReasonAnchor[] = [];
  for (const [itemId, weight] of anchorWeights) {
    const record = records.get(itemId);
    if (!record) continue;
    const title = record.metadata?.title;
    anchors.push({ itemId, weight, vector: record.values, ...(typeof title === "string" ? { title } : {}) });
  }
  const reasons = new Map<number, Reason>();
  for (const i of order) {
    const candidate = candidates[i]!;
    const vector = records.get(candidate.itemId)?.values;
    reasons.set(
      i,
      explain(
        {
          source: candidate.source,
          ...(candidate.category !== undefined ? { category: candidate.category } : {}),
          ...(vector ? { vector } : {}),
          ...(input.seed ? { seed: input.seed } : {}),
          ...(candidate.anchor ? { anchor: candidate.anchor } : {}),
        },
        anchors,
      ),
    );
  }
  return { order, reasons };
}

/**
 * Interacted items that can explain ANN results, with their weight: the session's recent
 * positive interactions (event confidence weight), then the most recent trained history (weight 1).
 */
function anchorCandidates(
  session: SessionSnapshot,
  userRecord: UserRecord | null,
  eventWeights: EventWeights = DEFAULT_EVENT_WEIGHTS,
): Map<string, number> {
  const weights = new Map<string, number>();
  for (const interaction of session.recent) {
    // The event's signal with its value: a 1-star rating explains nothing.
    const weight = eventSignal(interaction.type, interaction.value ?? undefined, eventWeights);
    if (weight <= 0 || weights.size >= MAX_ANCHORS) continue;
    weights.set(interaction.itemId, Math.max(weight, weights.get(interaction.itemId) ?? 0));
  }
  const history = userRecord?.history ?? [];
  for (let k = history.length - 1; k >= 0 && weights.size < MAX_ANCHORS; k--) {
    if (!weights.has(history[k]!)) weights.set(history[k]!, 1);
  }
  return weights;
}

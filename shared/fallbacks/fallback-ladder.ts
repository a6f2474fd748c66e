/**
 * The fallback ladder: every way a stage of the serving funnel (or a route that reuses one of its
 * stages) may fail or come up empty, what serves instead, and the one-line description the docs
 * show. A response lists each rung it took in `fallbacks` (`{stage, reason, used, detail?}`), and
 * `FallbackLog.add` (workers/fallbacks/fallback-log.ts) accepts only the combinations in this
 * table, so a new kind of fallback starts here — and in the docs table rendered from it
 * (docs/fallbacks.md; `npx tsx scripts/render-fallback-docs.ts` rewrites it, a unit test fails
 * while it differs).
 */

/** One row of {@link FALLBACK_LADDER}. */
export interface FallbackLadderRow {
  /** The stage that could not serve as planned. */
  stage: string;
  /** Why. */
  reason: string;
  /** What served instead. */
  used: string;
  /** One line for people: what failed and what the response is made of instead. */
  description: string;
}

/** Every rung of the ladder, in funnel order (session, user vector, candidates, lists, ranking, re-ranking). */
export const FALLBACK_LADDER = [
  {
    stage: "session",
    reason: "unavailable",
    used: "stateless_request",
    description:
      "The user's UserSession object failed: served without session state (recent events, seen items, arms), still personalised from the trained vector in KV.",
  },
  {
    stage: "session",
    reason: "timeout",
    used: "stateless_request",
    description: "The session read missed its deadline (200 ms): served as for `unavailable`.",
  },
  {
    stage: "user_vector",
    reason: "unavailable",
    used: "popular",
    description:
      "The user's record could not be read from KV and the session has no vector either: served like a new user (live trending, then the popular list).",
  },
  {
    stage: "user_vector",
    reason: "unavailable",
    used: "session_vector",
    description: "The user's record could not be read from KV: the ANN query ran on the session's fold-in (or onboarding) vector alone.",
  },
  {
    stage: "user_vector",
    reason: "unknown_user",
    used: "popular",
    description: "The user has no trained, session or onboarding vector: live trending, then the popular list.",
  },
  {
    stage: "candidates",
    reason: "unavailable",
    used: "popular",
    description:
      "The vector index failed (error, misconfigured) for an `ann` or `similar` query: that source gives nothing and the trending and popular lists serve.",
  },
  {
    stage: "candidates",
    reason: "empty",
    used: "popular",
    description: "The configured sources found fewer unseen items than `n`: the trending and popular lists fill the rest.",
  },
  {
    stage: "session_similar",
    reason: "unavailable",
    used: "without_session_similar",
    description:
      "The neighbour lookup of the session's recent items failed (vector index error): the `session_similar` source gives nothing and the other configured sources serve.",
  },
  {
    stage: "trending",
    reason: "unavailable",
    used: "popular",
    description: "The live trending list could not be read from KV: the trained popular list serves in its place.",
  },
  {
    stage: "fresh",
    reason: "unavailable",
    used: "without_fresh_items",
    description:
      "The fresh-items list (`catalog:fresh`) could not be read from KV: the `fresh` source and fresh exploration picks give nothing.",
  },
  {
    stage: "popular",
    reason: "unavailable",
    used: "built_in_list",
    description:
      "The popular list could not be read from KV: the list built into the Worker (`workers/fallbacks/default-popular.json`) serves.",
  },
  {
    stage: "popular",
    reason: "not_published",
    used: "built_in_list",
    description: "No popular list is published in KV (for that category): the list built into the Worker serves.",
  },
  {
    stage: "ranker",
    reason: "unavailable",
    used: "list_similarity_0",
    description:
      "The item vectors of list candidates (trending, popular, fresh) could not be looked up: they are ranked with a user–item similarity of 0.",
  },
  {
    stage: "ranker",
    reason: "timeout",
    used: "light",
    description: "The sidecar did not answer within `RANKER_TIMEOUT_MS`: the in-Worker light ranker served.",
  },
  {
    stage: "ranker",
    reason: "unavailable",
    used: "light",
    description:
      "The sidecar is unreachable, answered 5xx (503 `queue_full` too), refused `RANKER_TOKEN` or sent a malformed score list: the light ranker served.",
  },
  {
    stage: "ranker",
    reason: "rejected",
    used: "light",
    description: "The sidecar refused the rows (feature-spec mismatch, 4xx): the light ranker served.",
  },
  {
    stage: "ranker",
    reason: "circuit_open",
    used: "light",
    description: "The sidecar's circuit breaker is open after repeated failures: skipped without a call, the light ranker served.",
  },
  {
    stage: "ranker",
    reason: "timeout",
    used: "retrieval_order",
    description: "The sidecar timed out and the light ranker could not serve either: candidates keep their retrieval order.",
  },
  {
    stage: "ranker",
    reason: "unavailable",
    used: "retrieval_order",
    description:
      "A ranker was unavailable (the sidecar as above, or no light model published in KV) and none after it served: retrieval order.",
  },
  {
    stage: "ranker",
    reason: "rejected",
    used: "retrieval_order",
    description:
      "A ranker refused the rows (the sidecar's spec mismatch, a light model for another feature spec or malformed) and none after it served: retrieval order.",
  },
  {
    stage: "ranker",
    reason: "circuit_open",
    used: "retrieval_order",
    description: "The sidecar's circuit is open and the light ranker could not serve: retrieval order.",
  },
  {
    stage: "rerank",
    reason: "unavailable",
    used: "rules_without_embeddings",
    description:
      'The item vectors for MMR and explanations could not be looked up: the rules run without embeddings and ANN items are explained as "Picked for you".',
  },
] as const satisfies readonly FallbackLadderRow[];

type LadderRow = (typeof FALLBACK_LADDER)[number];

/** One allowed {stage, reason, used} combination: a row of {@link FALLBACK_LADDER} without its description. */
export type FallbackRung = LadderRow extends infer Row
  ? Row extends LadderRow
    ? { stage: Row["stage"]; reason: Row["reason"]; used: Row["used"] }
    : never
  : never;

/** The stages that can fall back. */
export type FallbackStage = FallbackRung["stage"];

/** Why a stage fell back. */
export type FallbackReason = FallbackRung["reason"];

/** What can serve in place of a failed stage. */
export type FallbackUsed = FallbackRung["used"];

/** What a failing `stage` may fall back to. */
export type FallbackUsedBy<S extends FallbackStage> = Extract<FallbackRung, { stage: S }>["used"];

/** One fallback taken while serving a request, as the response lists it. */
export type Fallback = FallbackRung & {
  /** Short human-readable detail (the error message), for logs and debugging. */
  detail?: string;
};

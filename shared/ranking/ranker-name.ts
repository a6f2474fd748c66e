/**
 * The rankers' names, in fallback order: the sidecar (ONNX model), the in-Worker light ranker, and
 * retrieval order (no model). One list for the Worker's ranker chain, the serving config (an arm's
 * pinned ranker, the shadow ranker) and the fallback ladder's `used` values.
 */

/** Names of the rankers, in fallback order; a response says which one served. */
export const RANKER_NAMES = ["sidecar", "light", "retrieval_order"] as const;

/** One of {@link RANKER_NAMES}. */
export type RankerName = (typeof RANKER_NAMES)[number];

/** The response body of `GET /v1/recommendations`: what the funnel (recommend.ts) answers. */
import type { Reason } from "../../shared/explain/reason";
import type { Surface } from "../../shared/events/interaction-event";
import type { Fallback } from "../../shared/fallbacks/fallback-ladder";
import type { RankerName } from "../../shared/ranking/ranker-name";
import type { Candidate, ExplorationTag } from "../candidates/candidate";
import type { UserVectorInfo } from "./user-vector";

/** One recommended item. */
export interface RecommendedItem {
  item_id: string;
  score: number;
  source: Candidate["source"];
  category?: string;
  /** On exploration picks: the category arm that won the draw and the pool the item came from. */
  exploration?: ExplorationTag;
  /** Why it is recommended, derived from the source that found it (shared/explain/reason.ts). */
  reason: Reason;
}

/** The response body of `GET /v1/recommendations`. */
export interface RecommendResponse {
  request_id: string;
  user_id: string;
  surface: Surface;
  ranker: RankerName;
  model_version?: string;
  /** A/B arms the user is in (experiment id → arm); events echoing request_id are attributed to them. */
  arms: Record<string, string>;
  items: RecommendedItem[];
  user_vector: UserVectorInfo;
  /** Every rung of the fallback ladder this request took (shared/fallbacks/fallback-ladder.ts). */
  fallbacks: Fallback[];
  timings_ms: Record<string, number>;
}

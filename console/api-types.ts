/**
 * The parts of the Worker's JSON answers the console reads. Contracts that live in shared/ are
 * imported (types only, nothing reaches the bundle); the rest are written down here as the routes
 * document them (workers/routes/*.ts), loosely: the console shows what it finds.
 */
import type { ReleasePointer, ReleaseRecord } from "../shared/artifacts/release";
import type { BetaArm } from "../shared/bandits/beta-arm";
import type { CatalogItemView } from "../shared/catalog/catalog-snapshot";
import type { ProportionEstimate } from "../shared/experiments/wilson-interval";
import type { Reason } from "../shared/explain/reason";
import type { RecentInteraction } from "../shared/session/session-contract";

/** `GET /healthz`. */
export interface Health {
  status: string;
  vector_index_backend: string;
  model_version: string | null;
  release?: { current: string; previous: string | null; canary: { release: string; share: number } | null };
}

/** `GET /v1/admin/releases`. */
export interface Releases {
  pointer: ReleasePointer | null;
  releases: ReleaseRecord[];
}

/** One item of `GET /v1/recommendations`. */
export interface RecommendedItem {
  item_id: string;
  score: number;
  source: string;
  category?: string;
  exploration?: { arm: string; from: string };
  reason?: Reason;
}

/** `GET /v1/recommendations`. */
export interface Recommendations {
  request_id: string;
  user_id: string;
  surface: string;
  ranker: string;
  model_version?: string;
  arms: Record<string, string>;
  items: RecommendedItem[];
  user_vector?: { source: string | null; session_share: number };
  fallbacks: { stage: string; reason: string; used: string }[];
  timings_ms: Record<string, number>;
}

/** `GET /v1/users/:user_id/state`. */
export interface UserState {
  user_id: string;
  profile: { categories?: string[]; demographics?: Record<string, string>; updatedAt?: number } | null;
  counts: Record<string, number>;
  affinity: Record<string, number>;
  arms: (BetaArm & { updatedAt: number; posterior: { alpha: number; beta: number; mean: number } })[];
  retention: { lastActivity: number | null; deleteAfter: number | null };
  recent: RecentInteraction[];
  sessionVector: { modelVersion: string; computedAt: number } | null;
}

/** One item of `GET /v1/admin/items/search|flagged`. */
export type CatalogItem = CatalogItemView;

/** `GET /v1/items/:item_id/similar`. */
export interface SimilarItems {
  item_id: string;
  items: { item_id: string; score: number; source: string; category?: string }[];
  fallbacks: { stage: string; reason: string; used: string }[];
}

/** One arm of an experiment report (`GET /v1/admin/experiments/:id`). */
export interface ArmReport {
  arm: string;
  counters: Record<string, number>;
  ctr: ProportionEstimate;
  conversion_rate: ProportionEstimate;
  empty_rate: number;
  latency_p99_ms: number | null;
  coverage: { distinct_items: number; share_of_catalogue: number | null };
  category_diversity: number | null;
  categories_per_list: number | null;
  guardrails?: Record<string, string>;
}

/** `GET /v1/admin/experiments/:id`. */
export interface ExperimentReport {
  experiment: string;
  traffic: number;
  control: string;
  arms: ArmReport[];
}

/** `GET /v1/admin/experiments`. */
export interface Experiments {
  experiments: { id: string; traffic: number; surfaces: string[] | null; arms: { name: string; weight: number }[] }[];
}

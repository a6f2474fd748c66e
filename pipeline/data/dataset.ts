/**
 * The in-memory dataset every loader produces and every training step reads: a catalogue and a
 * user directory (string ids ↔ dense indices), the raw event log and the aggregated matrices of
 * positive and negative evidence (by the weight table of `shared/events/event-weight.ts`). Loaders differ by input format; this shape does not.
 */
import type { Demographics } from "../../shared/realtime/demographic-segments";
import type { DatasetEventWeights } from "./dataset-event-weights";
import type { DatasetFormat } from "./detect-dataset-format";
import type { EventLog } from "./event-log";
import type { IdIndex } from "./id-index";
import type { InteractionMatrix } from "./interaction-matrix";
import type { LoadIssueLog } from "./load-issue-log";

/** One catalogue item with its metadata. */
export interface CatalogItem {
  id: string;
  title: string;
  genres: string[];
  /** Primary category (first genre unless given). */
  category: string;
  /** Release time, seconds since epoch (0 when unknown). */
  releasedAt: number;
  sponsored: boolean;
  /** Free-text tags users attached to the item (MovieLens tags.csv), most frequent first. */
  tags?: string[];
}

/** The item catalogue: `items[i]` is the item with index `i` in `ids`. */
export interface ItemCatalog {
  ids: IdIndex;
  items: CatalogItem[];
}

/** Optional demographics of one user. */
export interface UserProfile {
  ageBucket?: string;
  gender?: string;
  country?: string;
  device?: string;
  /** Occupation, when the source records it (MovieLens 100k). */
  occupation?: string;
}

/** A profile in the edge's shape (onboarding demographics, the feature spec's `user`); undefined when empty. */
export function profileDemographics(profile: UserProfile | undefined): Demographics | undefined {
  if (!profile) return undefined;
  const demographics: Demographics = {
    ...(profile.ageBucket ? { age_bucket: profile.ageBucket } : {}),
    ...(profile.gender ? { gender: profile.gender } : {}),
    ...(profile.country ? { country: profile.country } : {}),
    ...(profile.device ? { device: profile.device } : {}),
  };
  return Object.keys(demographics).length > 0 ? demographics : undefined;
}

/** Users: `profiles[u]` is undefined when the user only appears in events. */
export interface UserDirectory {
  ids: IdIndex;
  profiles: (UserProfile | undefined)[];
}

/** Everything a loader returns. */
export interface Dataset {
  /** Short name (`demo`, `ml-100k`, …) used for artifact folders and the manifest. */
  name: string;
  format: DatasetFormat;
  items: ItemCatalog;
  users: UserDirectory;
  /** Every valid event, with dense indices, in file order. */
  events: EventLog;
  /** Pairs whose weighted events sum to a positive net (confidence = the net); exposures excluded. */
  interactions: InteractionMatrix;
  /** Pairs whose weighted events sum to a negative net (confidence = |net|): hides, skips, low ratings. */
  negatives: InteractionMatrix;
  /** The weight table both matrices were aggregated with, and where it came from. */
  eventWeights: DatasetEventWeights;
  /** Lines that were skipped, with reasons. */
  issues: LoadIssueLog;
}

/**
 * The in-memory dataset every loader produces and every training step reads: a catalogue and a
 * user directory (string ids ↔ dense indices), the raw event log and the aggregated matrix of
 * positive interactions. Loaders differ by input format; this shape does not.
 */
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
  /** Positive events aggregated per (user, item); negatives and exposures excluded. */
  interactions: InteractionMatrix;
  /** Lines that were skipped, with reasons. */
  issues: LoadIssueLog;
}

/**
 * Which event-weight table a dataset is aggregated with, and where it came from (recorded in the
 * evaluation report and the artifacts manifest, so a release says how it was trained).
 *
 * Without `--event-weights` the shared default applies — except to the MovieLens formats, whose
 * published protocol counts every held-out rating as relevant (binary gain): there a 1★ rating is
 * still a movie the user watched, and training it as a negative measurably lowers every model on
 * that protocol, so their default keeps every rating positive (stars still set the confidence:
 * 5★ = 3, 4★ = 2, below 0.5). A file given with `--event-weights` applies to every format.
 */
import { DEFAULT_EVENT_WEIGHTS, type EventWeights } from "../../shared/events/event-weight";
import type { DatasetFormat } from "./detect-dataset-format";

/** A weight table and its origin (`default`, `default:movielens` or the file it was read from). */
export interface DatasetEventWeights {
  source: string;
  weights: EventWeights;
}

/** The default table with no negative ratings (MovieLens, the published protocol's relevance). */
export const MOVIELENS_EVENT_WEIGHTS: EventWeights = {
  ...DEFAULT_EVENT_WEIGHTS,
  rating: { ...DEFAULT_EVENT_WEIGHTS.rating, negative_at_most: null },
};

/** The table a dataset of `format` is aggregated with when none is given. */
export function defaultEventWeights(format: DatasetFormat): DatasetEventWeights {
  switch (format) {
    case "event-log":
      return { source: "default", weights: DEFAULT_EVENT_WEIGHTS };
    case "movielens-100k":
    case "movielens-latest":
      return { source: "default:movielens", weights: MOVIELENS_EVENT_WEIGHTS };
    default:
      return format satisfies never;
  }
}

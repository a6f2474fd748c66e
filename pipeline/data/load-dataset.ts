/**
 * Loads a dataset folder in any supported format into a {@link Dataset}: detects the format (or
 * takes it from the options) and hands over to that format's loader.
 */
import { basename, resolve } from "node:path";
import type { Dataset } from "./dataset";
import { type DatasetEventWeights, defaultEventWeights } from "./dataset-event-weights";
import { DatasetFormatError, detectDatasetFormat, type DatasetFormat } from "./detect-dataset-format";
import type { LakeSource } from "./lake/lake-source";
import { loadEventLogFolder } from "./load-event-log-folder";
import { loadMovielens100k } from "./load-movielens-100k";
import { loadMovielensLatest } from "./load-movielens-latest";

/** Options of {@link loadDataset}. */
export interface LoadDatasetOptions {
  /** Skip detection and read the folder as this format. */
  format?: DatasetFormat;
  /** Dataset name; defaults to the descriptor's name, else the folder name. */
  name?: string;
  /** How many skipped lines are kept verbatim in `dataset.issues`. */
  maxIssueSamples: number;
  /** Events logged by the edge to merge in (event-log folders only; pipeline/data/lake/). */
  lake?: LakeSource;
  /** Only the lake's partitions that end after this time (ms since epoch). */
  lakeSince?: number;
  /** The event-weight table (default: the format's, `dataset-event-weights.ts`). */
  eventWeights?: DatasetEventWeights;
}

/**
 * Reads the dataset in `folder` (event log, MovieLens 100k or MovieLens CSV); malformed lines are
 * skipped and reported in `dataset.issues`.
 */
export async function loadDataset(folder: string, options: Partial<LoadDatasetOptions> = {}): Promise<Dataset> {
  const opts = { maxIssueSamples: 20, ...options } satisfies LoadDatasetOptions;
  const format = opts.format ?? (await detectDatasetFormat(folder));
  const fallbackName = basename(resolve(folder));
  if (opts.lake && format !== "event-log") {
    throw new DatasetFormatError(`--lake merges the edge's events into an event-log folder; ${folder} is ${format}`);
  }
  const eventWeights = opts.eventWeights ?? defaultEventWeights(format);
  switch (format) {
    case "event-log":
      return loadEventLogFolder(folder, { fallbackName, ...opts, eventWeights });
    case "movielens-100k":
      return loadMovielens100k(folder, { name: opts.name ?? fallbackName, maxIssueSamples: opts.maxIssueSamples, eventWeights });
    case "movielens-latest":
      return loadMovielensLatest(folder, { name: opts.name ?? fallbackName, maxIssueSamples: opts.maxIssueSamples, eventWeights });
    default:
      return format satisfies never;
  }
}

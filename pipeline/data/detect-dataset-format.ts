/**
 * Recognises which input format a dataset folder is in. This is the one place new formats hook
 * in: add the name to `DATASET_FORMATS`, a marker rule below, and a case in `loadDataset`.
 */
import { join } from "node:path";
import { EVENT_LOG_FILES } from "./event-log-folder";
import { isDirectory, isFile } from "./file-kind";
import { MOVIELENS_100K_FILES, MOVIELENS_LATEST_FILES } from "./movielens-files";

/** Input formats the pipeline can load. */
export const DATASET_FORMATS = ["event-log", "movielens-100k", "movielens-latest"] as const;

/** One of {@link DATASET_FORMATS}. */
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

/** Files whose presence identifies each format; checked in order, first match wins. */
const FORMAT_MARKERS: readonly { format: DatasetFormat; file: string }[] = [
  { format: "event-log", file: EVENT_LOG_FILES.events },
  { format: "movielens-100k", file: MOVIELENS_100K_FILES.ratings },
  { format: "movielens-latest", file: MOVIELENS_LATEST_FILES.ratings },
];

/** Thrown when a folder is missing or matches no known format. */
export class DatasetFormatError extends Error {
  override name = "DatasetFormatError";
}

/** The format of the dataset in `folder`; throws {@link DatasetFormatError} when unknown. */
export async function detectDatasetFormat(folder: string): Promise<DatasetFormat> {
  if (!(await isDirectory(folder))) throw new DatasetFormatError(`dataset folder not found: ${folder}`);
  for (const marker of FORMAT_MARKERS) {
    if (await isFile(join(folder, marker.file))) return marker.format;
  }
  const expected = FORMAT_MARKERS.map((m) => `${m.file} (${m.format})`).join(", ");
  throw new DatasetFormatError(`no known dataset format in ${folder}: expected one of ${expected}`);
}

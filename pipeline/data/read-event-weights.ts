/**
 * Reads an event-weight table file (`--event-weights <file.json>`): JSON validated with the shared
 * schema and merged over the default table. A missing file, bad JSON or a bad value is one clear
 * error naming the file and the offending paths.
 */
import { readFile } from "node:fs/promises";
import { EventWeightsError, parseEventWeights } from "../../shared/events/event-weight";
import type { DatasetEventWeights } from "./dataset-event-weights";

/** The table in `path`, with `path` as its source; throws {@link EventWeightsError}. */
export async function readEventWeights(path: string): Promise<DatasetEventWeights> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new EventWeightsError(
      `event weights ${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new EventWeightsError(`event weights ${path}: invalid JSON (${(error as Error).message})`);
  }
  try {
    return { source: path, weights: parseEventWeights(json) };
  } catch (error) {
    throw new EventWeightsError(`event weights ${path}: ${(error as Error).message}`);
  }
}

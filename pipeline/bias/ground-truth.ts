/**
 * The truth behind a position-biased demo dataset (`generate --position-bias`): the examination
 * curve the clicks were drawn with and each user's true relevance of every item, written to
 * `ground-truth.json` beside the event log. Loaders and training never read it; the bias report
 * (`bias-report`) scores models against it instead of against the biased log.
 */
import { readFile, writeFile } from "node:fs/promises";
import { sigmoid } from "../../shared/math/vector";

/** `format` of a ground-truth file. */
export const GROUND_TRUTH_FORMAT = "edge-recs-ground-truth";

/** File name of the ground truth in a generated dataset folder. */
export const GROUND_TRUTH_FILE = "ground-truth.json";

/** The simulation's truth, enough to recompute every (user, item) relevance. */
export interface DemoGroundTruth {
  format: typeof GROUND_TRUTH_FORMAT;
  /** The click model, in words. */
  model: string;
  /** θₚ = (1/(1+p))^eta for the positions of a list. */
  examination: { eta: number; curve: number[] };
  /** Share of randomised (exploration) lists. */
  exploreShare: number;
  listLength: number;
  /** Each user's taste vector (hidden space of the generator). */
  users: { user_id: string; taste: number[] }[];
  /** Each item's latent vector and whether it is sponsored (sponsored titles engage less). */
  items: { item_id: string; latent: number[]; sponsored: boolean }[];
}

/** Writes `truth` as JSON. */
export async function writeGroundTruth(path: string, truth: DemoGroundTruth): Promise<void> {
  await writeFile(path, `${JSON.stringify(truth)}\n`);
}

/** Reads a ground-truth file; a file of another format is an error. */
export async function readGroundTruth(path: string): Promise<DemoGroundTruth> {
  const json = JSON.parse(await readFile(path, "utf8")) as Partial<DemoGroundTruth>;
  if (json.format !== GROUND_TRUTH_FORMAT || !Array.isArray(json.users) || !Array.isArray(json.items)) {
    throw new Error(`${path} is not a ground-truth file (format "${GROUND_TRUTH_FORMAT}")`);
  }
  return json as DemoGroundTruth;
}

/**
 * The true relevance of every item (in `truth.items` order) for one taste vector: the probability
 * of engaging with an item once it is looked at, sigmoid(−0.9 + 1.1·z) × (0.55 if sponsored), z =
 * taste · latent standardised over the catalogue — the generator's own formula
 * (`engagementProbability` in `generate/demo-generator.ts`), computed in the same order.
 */
export function trueRelevance(truth: DemoGroundTruth, taste: readonly number[]): Float64Array {
  const n = truth.items.length;
  const affinity = new Float64Array(n);
  let mean = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const latent = truth.items[i]!.latent;
    let score = 0;
    for (let d = 0; d < latent.length; d++) score += taste[d]! * latent[d]!;
    affinity[i] = score;
    mean += score;
    squares += score * score;
  }
  mean /= n;
  const spread = Math.sqrt(Math.max(1e-9, squares / n - mean * mean));
  const relevance = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    relevance[i] = sigmoid(-0.9 + 1.1 * ((affinity[i]! - mean) / spread)) * (truth.items[i]!.sponsored ? 0.55 : 1);
  }
  return relevance;
}

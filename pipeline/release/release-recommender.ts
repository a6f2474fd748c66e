/**
 * A published release as a recommender over a dataset's index space, so `retrain` scores the
 * serving release exactly as the edge serves it: each user's published vector · each item's
 * published vector, and for a user the release has no vector for, its published popular list
 * (what the edge serves them). Items the release does not know score -∞; nothing is refitted.
 */
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { createReadStream } from "node:fs";
import { join } from "node:path";
import type { ModelManifest } from "../../shared/artifacts/model-manifest";
import { kvKeys, type PopularList, type UserRecord } from "../../shared/artifacts/kv-keys";
import type { ScoredIndex } from "../../shared/math/top-k";
import type { InteractionMatrix } from "../data/interaction-matrix";
import type { IdIndex } from "../data/id-index";
import { topScored, type LatentFactors, type Recommender } from "../models/recommender";
import type { SavedModel } from "../models/saved-model";

/** Loads the release kept in `folder` for a dataset with these user and item ids. */
export async function loadReleaseRecommender(folder: string, users: IdIndex, items: IdIndex): Promise<ReleaseRecommender> {
  const manifest = JSON.parse(await readFile(join(folder, "manifest.json"), "utf8")) as ModelManifest;
  const d = manifest.dimensions;
  const itemVectors = new Float32Array(items.size * d);
  const known = new Uint8Array(items.size);
  const lines = createInterface({ input: createReadStream(join(folder, manifest.files.vectors)), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const record = JSON.parse(line) as { id: string; values: number[] };
    const index = items.indexOf(record.id);
    if (index < 0) continue;
    itemVectors.set(record.values.slice(0, d), index * d);
    known[index] = 1;
  }
  const userVectors = new Map<number, Float32Array>();
  let popular: number[] = [];
  const entries = JSON.parse(await readFile(join(folder, manifest.files.kvBulk), "utf8")) as { key: string; value: string }[];
  for (const { key, value } of entries) {
    if (key.startsWith("user:")) {
      const index = users.indexOf(key.slice(5));
      if (index >= 0) userVectors.set(index, Float32Array.from((JSON.parse(value) as UserRecord).vector));
    } else if (key === kvKeys.popularAll) {
      popular = (JSON.parse(value) as PopularList).items.map((item) => items.indexOf(item.itemId)).filter((index) => index >= 0);
    }
  }
  return new ReleaseRecommender(manifest.modelVersion, d, itemVectors, known, userVectors, popular);
}

/** See {@link loadReleaseRecommender}. */
export class ReleaseRecommender implements Recommender {
  readonly factors: LatentFactors | null = null;

  constructor(
    readonly name: string,
    private readonly dimensions: number,
    private readonly itemVectors: Float32Array,
    private readonly knownItems: Uint8Array,
    private readonly userVectors: ReadonlyMap<number, Float32Array>,
    private readonly popular: readonly number[],
  ) {}

  /** Users the release has a vector for. */
  get userCount(): number {
    return this.userVectors.size;
  }

  fit(_interactions: InteractionMatrix): void {
    // A published release is fixed: it is scored, never refitted.
  }

  scoreItems(userIndex: number, out?: Float32Array): Float32Array {
    const n = this.knownItems.length;
    const scores = out ?? new Float32Array(n);
    const user = this.userVectors.get(userIndex);
    if (!user) {
      scores.fill(Number.NEGATIVE_INFINITY);
      for (const [rank, item] of this.popular.entries()) scores[item] = this.popular.length - rank;
      return scores;
    }
    const d = this.dimensions;
    for (let i = 0; i < n; i++) {
      if (!this.knownItems[i]) {
        scores[i] = Number.NEGATIVE_INFINITY;
        continue;
      }
      let sum = 0;
      for (let j = 0; j < d; j++) sum += user[j]! * this.itemVectors[i * d + j]!;
      scores[i] = sum;
    }
    return scores;
  }

  recommend(userIndex: number, k: number, exclude?: Iterable<number>): ScoredIndex[] {
    return topScored(this.scoreItems(userIndex), k, exclude).filter((scored) => Number.isFinite(scored.score));
  }

  similarItems(_itemIndex: number, _k: number): ScoredIndex[] {
    return [];
  }

  save(): SavedModel {
    throw new Error("a published release is saved as its release folder");
  }
}

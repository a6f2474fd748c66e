/**
 * Turns any recommender into user and item vectors whose dot product approximates its scores:
 * the truncated SVD of the model's users × items score matrix (randomized, one user at a time,
 * never stored whole unless small), split as user = U√Σ, item = V√Σ. This is how models without
 * embeddings (EASE, blends) are served by the edge's dot-product ANN on the user vector; the
 * approximation is itself a model and is evaluated as one, so the served quality is measured.
 * On MovieLens 100k validation splits a rank-32 form of the EASE + ALS blend ranks as well as the
 * blend itself (the truncation even regularises slightly); zeroing each user's training items
 * before factorising — tempting, since they are never recommended — made it clearly worse.
 */
import type { InteractionMatrix } from "../data/interaction-matrix";
import type { ScoredIndex } from "../../shared/math/top-k";
import { dot } from "../../shared/math/vector";
import { addTransposedProduct, rowsTimesColumns } from "../math/dense-products";
import { randomizedSvd, type MatrixOperator } from "../math/randomized-svd";
import { ItemHistory } from "./item-history";
import { checkIndex, factorRow, factorScores, topScored, type LatentFactors, type Recommender } from "./recommender";
import { savedArray, type SavedModel } from "./saved-model";

/** Options of {@link FactorizedRecommender}. */
export interface FactorizedRecommenderOptions {
  /** Vector dimensions. */
  rank: number;
  /** Power iterations of the randomized SVD. */
  powerIterations: number;
  /** What the user's own training items score before factorising. */
  seen: "keep" | "zero";
  /** Score matrices up to this many entries are kept in memory between SVD passes. */
  maxCachedScores: number;
  seed: number;
  onPass?: (done: number, total: number) => void;
}

/** Defaults: 32 dimensions (the demo index's size), 1 power iteration (2 ranked no better), seen items kept. */
export const FACTORIZED_RECOMMENDER_DEFAULTS = {
  rank: 32,
  powerIterations: 1,
  seen: "keep",
  maxCachedScores: 25_000_000,
  seed: 42,
} as const satisfies FactorizedRecommenderOptions;

/** A rank-limited, dot-product form of another model. */
export class FactorizedRecommender implements Recommender {
  readonly name = "factorized";
  private readonly options: FactorizedRecommenderOptions;
  private userFactors: Float32Array = new Float32Array(0);
  private itemFactors: Float32Array = new Float32Array(0);
  private itemNorms: Float32Array = new Float32Array(0);
  private users = 0;
  private items = 0;
  private sourceName: string;

  /** `source` is fitted by `fit` (or given already fitted to {@link factorize}). */
  constructor(
    private readonly source: Recommender | null,
    options: Partial<FactorizedRecommenderOptions> = {},
  ) {
    this.options = { ...FACTORIZED_RECOMMENDER_DEFAULTS, ...options } satisfies FactorizedRecommenderOptions;
    this.sourceName = source?.name ?? "unknown";
  }

  /** Restores vectors saved by {@link FactorizedRecommender.save} (the source model is not needed). */
  static load(saved: SavedModel): FactorizedRecommender {
    const { source, ...options } = saved.options as Partial<FactorizedRecommenderOptions> & { source?: string };
    const model = new FactorizedRecommender(null, options);
    model.sourceName = source ?? "unknown";
    model.setFactors(savedArray(saved, "users", Float32Array), savedArray(saved, "items", Float32Array));
    return model;
  }

  /** The factorised model's name (e.g. `blend`). */
  get sourceModel(): string {
    return this.sourceName;
  }

  get factors(): LatentFactors | null {
    if (this.users === 0 && this.items === 0) return null;
    return { dimensions: this.options.rank, users: this.userFactors, items: this.itemFactors };
  }

  /** Fits the source model on `interactions` (and `negatives`), then factorises its scores. */
  fit(interactions: InteractionMatrix, negatives?: InteractionMatrix): void {
    if (this.source === null) throw new Error("a loaded factorized model has no source model to fit");
    this.source.fit(interactions, negatives);
    this.factorize(interactions);
  }

  /** Factorises the already fitted source's scores for the users of `interactions`. */
  factorize(interactions: InteractionMatrix): void {
    const source = this.source;
    if (source === null) throw new Error("a loaded factorized model has no source model");
    const users = interactions.rows;
    const items = interactions.cols;
    const history = ItemHistory.of(interactions);
    const chunkRows = 64;
    const cache = users * items <= this.options.maxCachedScores ? new Float64Array(users * items) : undefined;
    let cached = false;
    const chunk = cache ? undefined : new Float64Array(chunkRows * items);
    const scores32 = new Float32Array(items);
    /** Score rows of users [from, to) as one row-major block (a view of the cache when cached). */
    const scoreRows = (from: number, to: number): Float64Array => {
      if (cache && cached) return cache.subarray(from * items, to * items);
      const target = cache ? cache.subarray(from * items, to * items) : chunk!;
      for (let u = from; u < to; u++) {
        source.scoreItems(u, scores32);
        const row = (u - from) * items;
        target.set(scores32, row);
        if (this.options.seen === "zero") for (const i of history.items(u)) target[row + i] = 0;
      }
      return target;
    };
    const operator: MatrixOperator = {
      rows: users,
      cols: items,
      multiply: (block, width) => {
        const blockT = transposeBlock(block, items, width);
        const out = new Float64Array(users * width);
        for (let from = 0; from < users; from += chunkRows) {
          const to = Math.min(users, from + chunkRows);
          rowsTimesColumns(scoreRows(from, to), to - from, items, blockT, width, out.subarray(from * width, to * width));
        }
        cached = cache !== undefined;
        return out;
      },
      multiplyTransposed: (block, width) => {
        const outT = new Float64Array(width * items);
        for (let from = 0; from < users; from += chunkRows) {
          const to = Math.min(users, from + chunkRows);
          addTransposedProduct(block.subarray(from * width, to * width), scoreRows(from, to), to - from, items, width, outT);
        }
        cached = cache !== undefined;
        return transposeBlock(outT, width, items);
      },
    };
    const svd = randomizedSvd(operator, this.options.rank, {
      powerIterations: this.options.powerIterations,
      seed: this.options.seed,
      ...(this.options.onPass ? { onPass: this.options.onPass } : {}),
    });
    const r = this.options.rank;
    const userFactors = new Float32Array(users * r);
    const itemFactors = new Float32Array(items * r);
    for (let j = 0; j < svd.rank; j++) {
      const scale = Math.sqrt(svd.s[j]!);
      for (let u = 0; u < users; u++) userFactors[u * r + j] = svd.u[u * svd.rank + j]! * scale;
      for (let i = 0; i < items; i++) itemFactors[i * r + j] = svd.v[i * svd.rank + j]! * scale;
    }
    this.setFactors(userFactors, itemFactors);
  }

  scoreItems(userIndex: number, out = new Float32Array(this.items)): Float32Array {
    return factorScores(this.userFactors, this.itemFactors, this.options.rank, checkIndex("user", userIndex, this.users), out);
  }

  recommend(userIndex: number, k: number, exclude?: Iterable<number>): ScoredIndex[] {
    return topScored(this.scoreItems(userIndex), k, exclude);
  }

  /** Items by cosine similarity of their vectors. */
  similarItems(itemIndex: number, k: number): ScoredIndex[] {
    const r = this.options.rank;
    const y = factorRow(this.itemFactors, r, checkIndex("item", itemIndex, this.items));
    const scores = new Float32Array(this.items);
    for (let i = 0; i < this.items; i++) {
      const denominator = this.itemNorms[itemIndex]! * this.itemNorms[i]!;
      scores[i] = denominator > 0 ? dot(y, factorRow(this.itemFactors, r, i), r) / denominator : 0;
    }
    return topScored(scores, k, [itemIndex]);
  }

  save(): SavedModel {
    const { onPass: _, ...options } = this.options;
    return {
      model: this.name,
      options: { ...options, source: this.sourceName },
      arrays: { users: this.userFactors, items: this.itemFactors },
    };
  }

  private setFactors(users: Float32Array, items: Float32Array): void {
    const r = this.options.rank;
    this.userFactors = users;
    this.itemFactors = items;
    this.users = users.length / r;
    this.items = items.length / r;
    this.itemNorms = Float32Array.from({ length: this.items }, (_, i) => {
      const row = factorRow(items, r, i);
      return Math.sqrt(dot(row, row, r));
    });
  }
}

/** The `cols × rows` transpose of a row-major `rows × cols` block. */
function transposeBlock(block: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = block[r * cols + c]!;
  return out;
}

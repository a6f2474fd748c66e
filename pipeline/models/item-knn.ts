/**
 * Item-based nearest neighbours (Sarwar et al. 2001; Deshpande & Karypis 2004): the similarity of
 * two items is the shrunk cosine of their binary user vectors, co(i, j) / (√(nᵢ nⱼ) + shrinkage);
 * each item keeps its `neighbours` most similar items, and a user's score for item i is the sum
 * of i's similarity to every item in their history. Similarities are accumulated item by item
 * through the users (Σᵤ |u|² work, one dense accumulator row), so no item × item matrix is formed.
 */
import { transposeInteractions, type InteractionMatrix } from "../data/interaction-matrix";
import { TopKSelector } from "../../shared/math/top-k-selector";
import type { ScoredIndex } from "../../shared/math/top-k";
import { ItemHistory } from "./item-history";
import { checkIndex, topScored, type LatentFactors, type Recommender } from "./recommender";
import { savedArray, type SavedModel } from "./saved-model";

/** Options of {@link ItemKnn}. */
export interface ItemKnnOptions {
  /** Neighbours kept per item. */
  neighbours: number;
  /** Added to the cosine denominator; damps similarities supported by few co-occurrences. */
  shrinkage: number;
}

/** Defaults (tuned on MovieLens 100k validation splits). */
export const ITEM_KNN_DEFAULTS = { neighbours: 100, shrinkage: 10 } as const satisfies ItemKnnOptions;

/** Item-based collaborative filtering with a sparse top-K neighbour list per item. */
export class ItemKnn implements Recommender {
  readonly name = "item-knn";
  readonly factors: LatentFactors | null = null;
  private readonly options: ItemKnnOptions;
  private neighbourIndptr: Int32Array = new Int32Array(1);
  private neighbourIndices: Int32Array = new Int32Array(0);
  private neighbourWeights: Float32Array = new Float32Array(0);
  private history = new ItemHistory(new Int32Array(1), new Int32Array(0));
  private items = 0;

  constructor(options: Partial<ItemKnnOptions> = {}) {
    this.options = { ...ITEM_KNN_DEFAULTS, ...options } satisfies ItemKnnOptions;
    if (!Number.isInteger(this.options.neighbours) || this.options.neighbours < 1) throw new RangeError("neighbours must be ≥ 1");
    if (!(this.options.shrinkage >= 0)) throw new RangeError("shrinkage must be ≥ 0");
  }

  /** Restores a model saved by {@link ItemKnn.save}. */
  static load(saved: SavedModel): ItemKnn {
    const model = new ItemKnn(saved.options as Partial<ItemKnnOptions>);
    model.neighbourIndptr = savedArray(saved, "neighbourIndptr", Int32Array);
    model.neighbourIndices = savedArray(saved, "neighbourIndices", Int32Array);
    model.neighbourWeights = savedArray(saved, "neighbourWeights", Float32Array);
    model.history = ItemHistory.load(saved);
    model.items = model.neighbourIndptr.length - 1;
    return model;
  }

  fit(interactions: InteractionMatrix): void {
    const n = interactions.cols;
    const byItem = transposeInteractions(interactions);
    const itemUsers = new Float64Array(n);
    for (let i = 0; i < n; i++) itemUsers[i] = byItem.indptr[i + 1]! - byItem.indptr[i]!;
    const cooccurrence = new Float64Array(n);
    const touched = new Int32Array(n);
    const indptr = new Int32Array(n + 1);
    const indices: number[] = [];
    const weights: number[] = [];
    for (let i = 0; i < n; i++) {
      let touchedCount = 0;
      for (let e = byItem.indptr[i]!; e < byItem.indptr[i + 1]!; e++) {
        const user = byItem.indices[e]!;
        for (let f = interactions.indptr[user]!; f < interactions.indptr[user + 1]!; f++) {
          const j = interactions.indices[f]!;
          if (j === i) continue;
          if (cooccurrence[j] === 0) touched[touchedCount++] = j;
          cooccurrence[j]! += 1;
        }
      }
      const selector = new TopKSelector(this.options.neighbours);
      for (let t = 0; t < touchedCount; t++) {
        const j = touched[t]!;
        selector.push(j, cooccurrence[j]! / (Math.sqrt(itemUsers[i]! * itemUsers[j]!) + this.options.shrinkage));
        cooccurrence[j] = 0;
      }
      for (const { item, key } of selector.sorted()) {
        indices.push(item);
        weights.push(key);
      }
      indptr[i + 1] = indices.length;
    }
    this.neighbourIndptr = indptr;
    this.neighbourIndices = Int32Array.from(indices);
    this.neighbourWeights = Float32Array.from(weights);
    this.history = ItemHistory.of(interactions);
    this.items = n;
  }

  /** Σ over the user's items j of sim(j, i) for every item i. */
  scoreItems(userIndex: number, out = new Float32Array(this.items)): Float32Array {
    out.fill(0);
    for (const j of this.history.items(userIndex)) {
      for (let e = this.neighbourIndptr[j]!; e < this.neighbourIndptr[j + 1]!; e++) {
        out[this.neighbourIndices[e]!]! += this.neighbourWeights[e]!;
      }
    }
    return out;
  }

  recommend(userIndex: number, k: number, exclude?: Iterable<number>): ScoredIndex[] {
    return topScored(this.scoreItems(userIndex), k, exclude);
  }

  /** The item's stored neighbours, most similar first. */
  similarItems(itemIndex: number, k: number): ScoredIndex[] {
    checkIndex("item", itemIndex, this.items);
    const result: ScoredIndex[] = [];
    for (let e = this.neighbourIndptr[itemIndex]!; e < this.neighbourIndptr[itemIndex + 1]! && result.length < k; e++) {
      result.push({ index: this.neighbourIndices[e]!, score: this.neighbourWeights[e]! });
    }
    return result;
  }

  save(): SavedModel {
    return {
      model: this.name,
      options: { ...this.options },
      arrays: {
        neighbourIndptr: this.neighbourIndptr,
        neighbourIndices: this.neighbourIndices,
        neighbourWeights: this.neighbourWeights,
        ...this.history.toArrays(),
      },
    };
  }
}

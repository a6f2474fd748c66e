/**
 * EASE, "Embarrassingly Shallow Autoencoders for Sparse Data" (Steck 2019): a linear item–item
 * model B with a zero diagonal that reconstructs each user's binary history, in closed form:
 * P = (XᵀX + λI)⁻¹, B = I − P · diag(1 / diag(P)). A user's scores are their history times B.
 * The inverse is dense (items² memory, items³/2 work), so on a large catalogue the model is fitted
 * on the supported items only (`supported-items.ts`: at least `minSupport` training users, at most
 * `maxItems` of them, best supported first) and leaves the rest unscored: they are outside its
 * `itemCoverage`, never recommended by it, and a blend lets its other parts score them. When every
 * item is supported and fits, the model is the full closed form, unchanged.
 */
import type { InteractionMatrix } from "../data/interaction-matrix";
import { topK, type ScoredIndex } from "../../shared/math/top-k";
import { invertSpd } from "../math/invert-spd";
import { ItemHistory } from "./item-history";
import { checkIndex, exclusionMask, type LatentFactors, type Recommender } from "./recommender";
import { savedArray, type SavedModel } from "./saved-model";
import { supportedItems } from "./supported-items";

/** Options of {@link Ease}. */
export interface EaseOptions {
  /** L2 penalty λ added to the Gram matrix's diagonal (MovieLens 100k: a few hundred). */
  lambda: number;
  /**
   * Most items fitted (the dense inverse takes 8·items² bytes and items³/2 multiply-adds); on a
   * larger catalogue the best supported items are kept and the others left unscored.
   */
  maxItems: number;
  /** Fewest distinct training users an item needs to be fitted (1: every item anyone interacted with). */
  minSupport: number;
  /** Called while the Gram matrix is inverted (pivots done, total). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Defaults: λ = 400 (MovieLens 100k validation); up to 4000 items (~20 s, 128 MB on one core);
 * every item with a training interaction is eligible.
 */
export const EASE_DEFAULTS = { lambda: 400, maxItems: 4000, minSupport: 1 } as const satisfies EaseOptions;

/** The closed-form linear item–item model (over the supported items of a large catalogue). */
export class Ease implements Recommender {
  readonly name = "ease";
  readonly factors: LatentFactors | null = null;
  private readonly options: EaseOptions;
  private weights: Float32Array = new Float32Array(0);
  private history = new ItemHistory(new Int32Array(1), new Int32Array(0));
  /** Catalogue size (the length of every score array). */
  private items = 0;
  /** Catalogue index of each fitted item, or null when the model covers the whole catalogue. */
  private fittedItems: Int32Array | null = null;
  /** Fitted position of each catalogue item (−1: not fitted), or null when all are fitted. */
  private position: Int32Array | null = null;
  private coverage: Uint8Array | null = null;

  constructor(options: Partial<EaseOptions> = {}) {
    this.options = { ...EASE_DEFAULTS, ...options } satisfies EaseOptions;
    if (!(this.options.lambda > 0)) throw new RangeError(`lambda must be > 0, got ${this.options.lambda}`);
    if (!(this.options.maxItems >= 1)) throw new RangeError(`maxItems must be ≥ 1, got ${this.options.maxItems}`);
  }

  /** Restores a model saved by {@link Ease.save}. */
  static load(saved: SavedModel): Ease {
    const { items, ...options } = saved.options as Partial<EaseOptions> & { items?: number };
    const model = new Ease(options);
    const weights = savedArray(saved, "weights", Float32Array);
    const fitted = "fittedItems" in saved.arrays ? savedArray(saved, "fittedItems", Int32Array) : null;
    model.setWeights(weights, items ?? Math.round(Math.sqrt(weights.length)), fitted);
    model.history = ItemHistory.load(saved);
    return model;
  }

  /** Items scored by the model (1), or null when it scores the whole catalogue. */
  get itemCoverage(): Uint8Array | null {
    return this.coverage;
  }

  /** Number of items the closed form was fitted on. */
  get fittedItemCount(): number {
    return this.fittedItems ? this.fittedItems.length : this.items;
  }

  fit(interactions: InteractionMatrix): void {
    const fitted = supportedItems(interactions, this.options);
    const n = fitted ? fitted.length : interactions.cols;
    const position = fitted ? positionsOf(fitted, interactions.cols) : null;
    const gram = new Float64Array(n * n);
    const local = new Int32Array(interactions.cols);
    for (let u = 0; u < interactions.rows; u++) {
      let count = 0;
      for (let a = interactions.indptr[u]!; a < interactions.indptr[u + 1]!; a++) {
        const i = position ? position[interactions.indices[a]!]! : interactions.indices[a]!;
        if (i >= 0) local[count++] = i;
      }
      for (let a = 0; a < count; a++) {
        const i = local[a]!;
        for (let b = a; b < count; b++) {
          const j = local[b]!;
          gram[i <= j ? i * n + j : j * n + i]! += 1;
        }
      }
    }
    for (let i = 0; i < n; i++) gram[i * n + i]! += this.options.lambda;
    const inverse = invertSpd(gram, n, this.options.onProgress ? { onProgress: this.options.onProgress } : {});
    const weights = new Float32Array(n * n);
    for (let j = 0; j < n; j++) {
      const scale = -1 / inverse[j * n + j]!;
      for (let i = 0; i < n; i++) weights[i * n + j] = i === j ? 0 : inverse[i * n + j]! * scale;
    }
    this.setWeights(weights, interactions.cols, fitted);
    this.history = ItemHistory.of(interactions);
  }

  /** The user's history times B; items outside {@link itemCoverage} score 0 (no evidence). */
  scoreItems(userIndex: number, out = new Float32Array(this.items)): Float32Array {
    out.fill(0);
    const fitted = this.fittedItems;
    const n = fitted ? fitted.length : this.items;
    for (const item of this.history.items(userIndex)) {
      const i = this.position ? this.position[item]! : item;
      if (i < 0) continue;
      const row = i * n;
      if (fitted) for (let j = 0; j < n; j++) out[fitted[j]!]! += this.weights[row + j]!;
      else for (let j = 0; j < n; j++) out[j]! += this.weights[row + j]!;
    }
    return out;
  }

  /** The best covered items (an item the model does not score is never recommended by it). */
  recommend(userIndex: number, k: number, exclude?: Iterable<number>): ScoredIndex[] {
    const scores = this.scoreItems(userIndex);
    const mask = exclusionMask(this.items, exclude) ?? (this.coverage ? new Uint8Array(this.items) : undefined);
    if (mask && this.coverage) for (let i = 0; i < this.items; i++) if (this.coverage[i] === 0) mask[i] = 1;
    return topK(scores, k, mask ? { excludeMask: mask } : {});
  }

  /** Items with the largest weights B[item, ·]: what interacting with `itemIndex` recommends (none when it is not fitted). */
  similarItems(itemIndex: number, k: number): ScoredIndex[] {
    checkIndex("item", itemIndex, this.items);
    const i = this.position ? this.position[itemIndex]! : itemIndex;
    if (i < 0) return [];
    const n = this.fittedItemCount;
    const row = this.weights.subarray(i * n, (i + 1) * n);
    const fitted = this.fittedItems;
    return topK(row, k, { excludeMask: exclusionMask(n, [i])! }).map(({ index, score }) => ({
      index: fitted ? fitted[index]! : index,
      score,
    }));
  }

  save(): SavedModel {
    const { onProgress: _, ...options } = this.options;
    return {
      model: this.name,
      options: { ...options, items: this.items },
      arrays: { weights: this.weights, ...(this.fittedItems ? { fittedItems: this.fittedItems } : {}), ...this.history.toArrays() },
    };
  }

  private setWeights(weights: Float32Array, items: number, fitted: Int32Array | null): void {
    this.weights = weights;
    this.items = items;
    this.fittedItems = fitted;
    this.position = fitted ? positionsOf(fitted, items) : null;
    this.coverage = fitted ? coverageOf(fitted, items) : null;
  }
}

/** position[item] = its index in `fitted`, −1 when absent. */
function positionsOf(fitted: Int32Array, items: number): Int32Array {
  const position = new Int32Array(items).fill(-1);
  fitted.forEach((item, i) => {
    position[item] = i;
  });
  return position;
}

function coverageOf(fitted: Int32Array, items: number): Uint8Array {
  const coverage = new Uint8Array(items);
  for (const item of fitted) coverage[item] = 1;
  return coverage;
}

/**
 * EASE, "Embarrassingly Shallow Autoencoders for Sparse Data" (Steck 2019): a linear item–item
 * model B with a zero diagonal that reconstructs each user's binary history, in closed form:
 * P = (XᵀX + λI)⁻¹, B = I − P · diag(1 / diag(P)). A user's scores are their history times B.
 * The inverse is dense (items² memory, items³/2 work), so the model refuses catalogues above
 * `maxItems`; there it is the strongest model of the published MovieLens tables' size.
 */
import type { InteractionMatrix } from "../data/interaction-matrix";
import type { ScoredIndex } from "../../shared/math/top-k";
import { invertSpd } from "../math/invert-spd";
import { ItemHistory } from "./item-history";
import { checkIndex, topScored, type LatentFactors, type Recommender } from "./recommender";
import { savedArray, type SavedModel } from "./saved-model";

/** Options of {@link Ease}. */
export interface EaseOptions {
  /** L2 penalty λ added to the Gram matrix's diagonal (MovieLens 100k: a few hundred). */
  lambda: number;
  /** Largest catalogue fitted (the dense inverse takes 8·items² bytes and items³/2 multiply-adds). */
  maxItems: number;
  /** Called while the Gram matrix is inverted (pivots done, total). */
  onProgress?: (done: number, total: number) => void;
}

/** Defaults: λ = 400 (MovieLens 100k validation); up to 4000 items (~20 s, 128 MB on 2 cores). */
export const EASE_DEFAULTS = { lambda: 400, maxItems: 4000 } as const satisfies EaseOptions;

/** Thrown when the catalogue is too large for the dense closed form. */
export class CatalogTooLargeError extends Error {
  override name = "CatalogTooLargeError";
}

/** The closed-form linear item–item model. */
export class Ease implements Recommender {
  readonly name = "ease";
  readonly factors: LatentFactors | null = null;
  private readonly options: EaseOptions;
  private weights: Float32Array = new Float32Array(0);
  private history = new ItemHistory(new Int32Array(1), new Int32Array(0));
  private items = 0;

  constructor(options: Partial<EaseOptions> = {}) {
    this.options = { ...EASE_DEFAULTS, ...options } satisfies EaseOptions;
    if (!(this.options.lambda > 0)) throw new RangeError(`lambda must be > 0, got ${this.options.lambda}`);
  }

  /** Restores a model saved by {@link Ease.save}. */
  static load(saved: SavedModel): Ease {
    const model = new Ease(saved.options as Partial<EaseOptions>);
    model.weights = savedArray(saved, "weights", Float32Array);
    model.items = Math.round(Math.sqrt(model.weights.length));
    model.history = ItemHistory.load(saved);
    return model;
  }

  /** Whether a catalogue of `items` items is within `maxItems`. */
  static fits(items: number, maxItems: number = EASE_DEFAULTS.maxItems): boolean {
    return items <= maxItems;
  }

  fit(interactions: InteractionMatrix): void {
    const n = interactions.cols;
    if (!Ease.fits(n, this.options.maxItems)) {
      throw new CatalogTooLargeError(`EASE needs a dense ${n}×${n} inverse; the limit is ${this.options.maxItems} items`);
    }
    const gram = new Float64Array(n * n);
    for (let u = 0; u < interactions.rows; u++) {
      const start = interactions.indptr[u]!;
      const end = interactions.indptr[u + 1]!;
      for (let a = start; a < end; a++) {
        const row = interactions.indices[a]! * n;
        for (let b = a; b < end; b++) gram[row + interactions.indices[b]!]! += 1;
      }
    }
    for (let i = 0; i < n; i++) gram[i * n + i]! += this.options.lambda;
    const inverse = invertSpd(gram, n, this.options.onProgress ? { onProgress: this.options.onProgress } : {});
    const weights = new Float32Array(n * n);
    for (let j = 0; j < n; j++) {
      const scale = -1 / inverse[j * n + j]!;
      for (let i = 0; i < n; i++) weights[i * n + j] = i === j ? 0 : inverse[i * n + j]! * scale;
    }
    this.weights = weights;
    this.items = n;
    this.history = ItemHistory.of(interactions);
  }

  /** The user's history times B. */
  scoreItems(userIndex: number, out = new Float32Array(this.items)): Float32Array {
    out.fill(0);
    const n = this.items;
    for (const i of this.history.items(userIndex)) {
      const row = i * n;
      for (let j = 0; j < n; j++) out[j]! += this.weights[row + j]!;
    }
    return out;
  }

  recommend(userIndex: number, k: number, exclude?: Iterable<number>): ScoredIndex[] {
    return topScored(this.scoreItems(userIndex), k, exclude);
  }

  /** Items with the largest weights B[item, ·]: what interacting with `itemIndex` recommends. */
  similarItems(itemIndex: number, k: number): ScoredIndex[] {
    checkIndex("item", itemIndex, this.items);
    const row = this.weights.subarray(itemIndex * this.items, (itemIndex + 1) * this.items);
    return topScored(row, k, [itemIndex]);
  }

  save(): SavedModel {
    const { onProgress: _, ...options } = this.options;
    return { model: this.name, options, arrays: { weights: this.weights, ...this.history.toArrays() } };
  }
}

/**
 * A weighted sum of several recommenders' scores, s = Σ wₘ sₘ, e.g. EASE + implicit ALS. The
 * components' raw scores are summed: both EASE and ALS predict the 0/1 interaction, so they
 * share a scale (per-user z-scoring was no better on MovieLens 100k validation splits).
 * Weights are tuned on a validation split; the blend fits, saves and loads its parts.
 *
 * Parts may cover different items (`itemCoverage`: EASE fitted on a large catalogue's supported
 * items only). A part adds nothing to an item it does not score — its "no evidence" 0, which is
 * also what full EASE gives an item without support and close to what its shrinkage gives a rarely
 * seen one — so such an item is ranked by the other parts' weighted scores; an item no part covers
 * is never recommended. Rescaling the covering parts' weights to the full total instead (treating
 * the missing score as unknown) over-promoted the rare items EASE leaves out: on the demo's
 * validation split nDCG@10 fell from 0.108 to 0.094 (EASE 0.7 + ALS 0.3, 4000 of 5000 items fitted)
 * and from 0.108 to 0.043 with 1742 fitted.
 */
import type { InteractionMatrix } from "../data/interaction-matrix";
import type { ScoredIndex } from "../../shared/math/top-k";
import { topScored, type LatentFactors, type Recommender } from "./recommender";
import type { SavedModel } from "./saved-model";

/** One component of a blend. */
export interface BlendComponent {
  model: Recommender;
  weight: number;
}

/** A fixed-weight score blend. */
export class ScoreBlend implements Recommender {
  readonly name = "blend";
  readonly factors: LatentFactors | null = null;
  private items = 0;
  private readonly scratch: Float32Array[] = [];
  private coverage: Uint8Array | null | undefined;

  constructor(readonly components: readonly BlendComponent[]) {
    if (components.length === 0) throw new RangeError("a blend needs at least one component");
  }

  /** Restores a blend saved by {@link ScoreBlend.save}; `loadPart` restores each component. */
  static load(saved: SavedModel, loadPart: (part: SavedModel) => Recommender): ScoreBlend {
    const weights = saved.options.weights as number[];
    const parts = saved.parts ?? [];
    if (parts.length !== weights.length) throw new Error("saved blend: weights and parts differ in number");
    const blend = new ScoreBlend(parts.map((part, i) => ({ model: loadPart(part), weight: weights[i]! })));
    blend.items = saved.options.items as number;
    return blend;
  }

  /** A blend of already fitted components (e.g. when tuning weights), without refitting. */
  static ofFitted(components: readonly BlendComponent[], items: number): ScoreBlend {
    const blend = new ScoreBlend(components);
    blend.items = items;
    return blend;
  }

  /** A short description such as `0.6·ease + 0.4·implicit-als`. */
  get label(): string {
    return this.components.map((c) => `${Number(c.weight.toFixed(3))}·${c.model.name}`).join(" + ");
  }

  fit(interactions: InteractionMatrix, negatives?: InteractionMatrix): void {
    for (const component of this.components) component.model.fit(interactions, negatives);
    this.items = interactions.cols;
    this.coverage = undefined;
  }

  /** Items some part scores (the union of the parts' coverage), or null when every item is scored. */
  get itemCoverage(): Uint8Array | null {
    if (this.coverage === undefined) {
      const masks = this.components.map((c) => c.model.itemCoverage ?? null);
      if (masks.some((mask) => mask === null)) this.coverage = null;
      else {
        const union = new Uint8Array(this.items);
        for (const mask of masks) for (let i = 0; i < this.items; i++) union[i]! |= mask![i]!;
        this.coverage = union;
      }
    }
    return this.coverage;
  }

  scoreItems(userIndex: number, out = new Float32Array(this.items)): Float32Array {
    out.fill(0);
    this.components.forEach((component, c) => {
      const scores = this.scratch[c] ?? new Float32Array(this.items);
      this.scratch[c] = scores;
      component.model.scoreItems(userIndex, scores);
      const covered = component.model.itemCoverage;
      if (covered) for (let i = 0; i < this.items; i++) out[i]! += covered[i] === 1 ? component.weight * scores[i]! : 0;
      else for (let i = 0; i < this.items; i++) out[i]! += component.weight * scores[i]!;
    });
    return out;
  }

  recommend(userIndex: number, k: number, exclude?: Iterable<number>): ScoredIndex[] {
    const coverage = this.itemCoverage;
    if (!coverage) return topScored(this.scoreItems(userIndex), k, exclude);
    const uncovered: number[] = [...(exclude ?? [])];
    for (let i = 0; i < this.items; i++) if (coverage[i] === 0) uncovered.push(i);
    return topScored(this.scoreItems(userIndex), k, uncovered);
  }

  /** The weighted sum of the components' similarity scores over their candidates. */
  similarItems(itemIndex: number, k: number): ScoredIndex[] {
    const scores = new Float32Array(this.items);
    for (const component of this.components) {
      for (const { index, score } of component.model.similarItems(itemIndex, Math.max(k * 5, 50))) {
        scores[index]! += component.weight * score;
      }
    }
    return topScored(scores, k, [itemIndex]).filter((s) => s.score !== 0);
  }

  save(): SavedModel {
    return {
      model: this.name,
      options: { weights: this.components.map((c) => c.weight), items: this.items },
      arrays: {},
      parts: this.components.map((c) => c.model.save()),
    };
  }
}

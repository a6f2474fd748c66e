/**
 * A weighted sum of several recommenders' scores, s = Σ wₘ sₘ, e.g. EASE + implicit ALS. The
 * components' raw scores are summed: both EASE and ALS predict the 0/1 interaction, so they
 * share a scale (per-user z-scoring was no better on MovieLens 100k validation splits).
 * Weights are tuned on a validation split; the blend fits, saves and loads its parts.
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
  }

  scoreItems(userIndex: number, out = new Float32Array(this.items)): Float32Array {
    out.fill(0);
    this.components.forEach((component, c) => {
      const scores = this.scratch[c] ?? new Float32Array(this.items);
      this.scratch[c] = scores;
      component.model.scoreItems(userIndex, scores);
      for (let i = 0; i < this.items; i++) out[i]! += component.weight * scores[i]!;
    });
    return out;
  }

  recommend(userIndex: number, k: number, exclude?: Iterable<number>): ScoredIndex[] {
    return topScored(this.scoreItems(userIndex), k, exclude);
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

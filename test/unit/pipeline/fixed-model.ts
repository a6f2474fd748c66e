/** Test doubles for pipeline tests: a recommender with fixed scores and a tiny interaction matrix builder. */
import { buildInteractionMatrix, type InteractionMatrix } from "../../../pipeline/data/interaction-matrix";
import { topScored, type Recommender } from "../../../pipeline/models/recommender";

/** A `rows × cols` matrix with confidence 1 at each (row, col) pair. */
export const matrix = (rows: number, cols: number, pairs: [number, number][]): InteractionMatrix =>
  buildInteractionMatrix({ rows, cols }, { rows: pairs.map((p) => p[0]), cols: pairs.map((p) => p[1]), confidence: pairs.map(() => 1) });

/** A recommender that scores item i for user u as `scores[u][i]`. */
export function fixedModel(scores: number[][]): Recommender {
  return {
    name: "fixed",
    factors: null,
    fit: () => undefined,
    scoreItems: (u, out = new Float32Array(scores[u]!.length)) => {
      out.set(scores[u]!);
      return out;
    },
    recommend: (u, k, exclude) => topScored(scores[u]!, k, exclude),
    similarItems: () => [],
    save: () => ({ model: "fixed", options: {}, arrays: {} }),
  };
}

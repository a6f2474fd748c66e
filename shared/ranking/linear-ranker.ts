/**
 * A linear (logistic) ranker over the feature spec. The pipeline trains it, exports it to ONNX for
 * the sidecar and as JSON for the in-Worker light ranker; `scoreLinear` is the reference scorer.
 */

/** A trained logistic ranker: score = sigmoid(w · row + b). */
export interface LinearRankerModel {
  kind: "logistic";
  /** One weight per feature, in `featureNames` order. */
  weights: number[];
  bias: number;
  featureNames: readonly string[];
  featureSpecHash: string;
  modelVersion: string;
}

/** The ranker's score for one feature row, in (0, 1). */
export function scoreLinear(model: LinearRankerModel, row: ArrayLike<number>): number {
  let z = model.bias;
  for (let i = 0; i < model.weights.length; i++) z += model.weights[i]! * row[i]!;
  return 1 / (1 + Math.exp(-z));
}

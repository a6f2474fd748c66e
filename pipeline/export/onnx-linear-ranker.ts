/**
 * Exports a trained logistic ranker as an ONNX model the sidecar runs with onnxruntime:
 * input `features` float32 [batch, F] (dynamic batch) → Gemm → Sigmoid → output `score` [batch].
 * The feature-spec hash, model version and feature names travel in the model's metadata_props.
 */
import type { LinearRankerModel } from "../../shared/ranking/linear-ranker";
import { encodeRankerModel, floatTensor, graphNode, RANKER_IO } from "./onnx-ranker-model";

export { RANKER_IO } from "./onnx-ranker-model";

/** Serialises `model` as an ONNX ModelProto. */
export function linearRankerToOnnx(model: LinearRankerModel): Uint8Array {
  const features = model.weights.length;
  if (features !== model.featureNames.length) {
    throw new Error(`ranker has ${features} weights but ${model.featureNames.length} feature names`);
  }
  return encodeRankerModel({
    graphName: "linear_ranker",
    features,
    nodes: [graphNode("Gemm", [RANKER_IO.input, "W", "B"], "logit", "gemm")],
    initializers: [floatTensor("W", [features, 1], model.weights), floatTensor("B", [1], [model.bias])],
    featureSpecHash: model.featureSpecHash,
    modelVersion: model.modelVersion,
    featureNames: model.featureNames,
  });
}

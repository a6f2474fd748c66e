/**
 * Exports a trained logistic ranker as an ONNX model the sidecar runs with onnxruntime:
 * input `features` float32 [batch, F] (dynamic batch) → Gemm → Sigmoid → output `score` [batch].
 * The feature-spec hash, model version and feature names travel in the model's metadata_props.
 */
import onnxProto from "onnx-proto";
import type { LinearRankerModel } from "../../shared/ranking/linear-ranker";

const { onnx } = onnxProto;

/** Input and output tensor names of every ranker model this project exports. */
export const RANKER_IO = { input: "features", output: "score" } as const;

/** ONNX opset the exported graphs use (supported by onnxruntime-node and onnxruntime-web). */
const OPSET = 13;

/** Serialises `model` as an ONNX ModelProto. */
export function linearRankerToOnnx(model: LinearRankerModel): Uint8Array {
  const features = model.weights.length;
  if (features !== model.featureNames.length) {
    throw new Error(`ranker has ${features} weights but ${model.featureNames.length} feature names`);
  }
  const floatTensor = (name: string, dims: number[], values: number[]) =>
    onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: values });
  const graph = onnx.GraphProto.create({
    name: "linear_ranker",
    node: [
      onnx.NodeProto.create({ opType: "Gemm", input: [RANKER_IO.input, "W", "B"], output: ["logit"], name: "gemm" }),
      onnx.NodeProto.create({ opType: "Sigmoid", input: ["logit"], output: ["prob"], name: "sigmoid" }),
      onnx.NodeProto.create({ opType: "Reshape", input: ["prob", "flat_shape"], output: [RANKER_IO.output], name: "flatten" }),
    ],
    initializer: [
      floatTensor("W", [features, 1], model.weights),
      floatTensor("B", [1], [model.bias]),
      onnx.TensorProto.create({ name: "flat_shape", dims: [1], dataType: onnx.TensorProto.DataType.INT64, int64Data: [-1] }),
    ],
    input: [valueInfo(RANKER_IO.input, ["batch", features])],
    output: [valueInfo(RANKER_IO.output, ["batch"])],
  });
  const proto = onnx.ModelProto.create({
    irVersion: 7,
    producerName: "edge-recs-pipeline",
    producerVersion: "1",
    opsetImport: [{ domain: "", version: OPSET }],
    graph,
    metadataProps: [
      { key: "feature_spec_hash", value: model.featureSpecHash },
      { key: "model_version", value: model.modelVersion },
      { key: "feature_names", value: model.featureNames.join(",") },
    ],
  });
  return onnx.ModelProto.encode(proto).finish();
}

function valueInfo(name: string, dims: (string | number)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })) },
      },
    },
  });
}
